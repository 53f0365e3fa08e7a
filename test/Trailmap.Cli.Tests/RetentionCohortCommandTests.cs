using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap retention --by cohort:ID</c>, end to end; numbers worked out by hand.</summary>
public sealed class RetentionCohortCommandTests : IDisposable
{
    // 2026-01-05 is a Monday; everyone signs up then. a: invites at +1 d and at exactly +7 d (week 1). b: +1 d and
    // +7 d 1 s (week 1). c: +1 d, +2 d, churned at +15 d (week 2). d: signed up only. inviters (two invites within 7 d
    // of signing up, never churned) is a alone.
    private const string Events = """
        user_id,event,timestamp
        a,signed_up,2026-01-05T00:00:00Z
        a,invite_sent,2026-01-06T00:00:00Z
        a,invite_sent,2026-01-12T00:00:00Z
        b,signed_up,2026-01-05T00:00:00Z
        b,invite_sent,2026-01-06T00:00:00Z
        b,invite_sent,2026-01-12T00:00:01Z
        c,signed_up,2026-01-05T00:00:00Z
        c,invite_sent,2026-01-06T00:00:00Z
        c,invite_sent,2026-01-07T00:00:00Z
        c,churned,2026-01-20T00:00:00Z
        d,signed_up,2026-01-05T00:00:00Z
        """;

    private const string Journey = """
        id: j
        title: Team trial
        stages:
          - { id: s, name: Sign up, entry: signed_up, kpis: [{ id: k, name: K, type: count, event: signed_up, target: '>= 1' }] }
        cohorts:
          - id: inviters
            did:
              - { event: invite_sent, at_least: 2, of: signed_up, within: 7d }
            did_not: [churned]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-retention-cohort-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(string Csv, string Yaml)> FilesAsync()
    {
        var csv = Path.Combine(_dir, "events.csv");
        var yaml = Path.Combine(_dir, "journey.yaml");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(yaml, Journey, TestContext.Current.CancellationToken);
        return (csv, yaml);
    }

    private static string Rows(JsonElement cohorts) => string.Join(" | ", cohorts.EnumerateArray().Select(c =>
        $"{c.GetProperty("cohort").GetString()} {c.GetProperty("size").GetInt64()} [{string.Join(",", c.GetProperty("retained").EnumerateArray().Select(r => r.GetInt64()))}]"));

    // Rolling weeks: a [1,1,0], b [1,1,0], c [1,0,1], d [0,0,0]. Everyone 4 [3,2,1]; inviters (a) 1 [1,1,0];
    // the rest (b c d) 3 [2,1,1].
    [Fact]
    public async Task By_cohort_adds_the_members_and_the_rests_tables()
    {
        var (csv, yaml) = await FilesAsync();
        string[] args = ["retention", "--start", "signed_up", "--period", "week", "--periods", "2", "--events", csv, "--by", "cohort:inviters", "--cohorts", yaml];

        var json = await CliRun.RunAsync([.. args, "--format", "json"]);
        json.ExitCode.ShouldBe(0, json.ToString());
        using (var doc = JsonDocument.Parse(json.Out))
        {
            doc.RootElement.GetProperty("breakdown").GetString().ShouldBe("cohort:inviters");
            Rows(doc.RootElement.GetProperty("cohorts")).ShouldBe("2026-01-05 4 [3,2,1]");
            Rows(doc.RootElement.GetProperty("breakdowns").GetProperty("in inviters")).ShouldBe("2026-01-05 1 [1,1,0]");
            Rows(doc.RootElement.GetProperty("breakdowns").GetProperty("not in inviters")).ShouldBe("2026-01-05 3 [2,1,1]");
        }

        var table = await CliRun.RunAsync([.. args, "--format", "csv"]);
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ReplaceLineEndings("\n").ShouldBe("""
            breakdown,cohort,size,period_0,period_1,period_2
            all,2026-01-05,4,3,2,1
            in inviters,2026-01-05,1,1,1,0
            not in inviters,2026-01-05,3,2,1,1

            """);
    }

    [Fact]
    public async Task By_anything_but_a_cohort_is_refused_with_the_fix()
    {
        var (csv, _) = await FilesAsync();

        var run = await CliRun.RunAsync("retention", "--start", "signed_up", "--events", csv, "--by", "plan");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("--by 'plan': retention breaks down by a cohort only; write --by cohort:ID (and name the journey file with --cohorts)");
    }
}
