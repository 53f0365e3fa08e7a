using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>--cohort</c>, <c>--by cohort:ID</c> and <c>trailmap cohorts</c>, end to end; numbers worked out by hand.</summary>
public sealed class CohortCommandTests : IDisposable
{
    // 2026-01-05 is a Monday. a: two invites within 7 days of signing up (the second at exactly 7 d). b: the second
    // invite one second too late. c: two invites, then churned on 01-20. d: signed up only.
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
            name: Early inviters
            did:
              - { event: invite_sent, at_least: 2, of: signed_up, within: 7d }
            did_not: [churned]
          - id: saved
            ids: [b, d, zz]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-cohorts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(string Csv, string Yaml)> FilesAsync()
    {
        var csv = Path.Combine(_dir, "events.csv");
        var yaml = Path.Combine(_dir, "journey.yaml");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(yaml, Journey, TestContext.Current.CancellationToken);
        return (csv, yaml);
    }

    private static long[] Counts(JsonElement steps) => [.. steps.EnumerateArray().Select(s => s.GetProperty("customers").GetInt64())];

    // signed_up then invite_sent within 1 day: a, b and c invite exactly 1 day later; d never does. Inviters: a only.
    [Fact]
    public async Task A_cohort_filters_a_funnel_and_breaks_it_down()
    {
        var (csv, yaml) = await FilesAsync();
        var all = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--window", "1d", "--events", csv, "--format", "json");
        all.ExitCode.ShouldBe(0, all.ToString());
        using (var doc = JsonDocument.Parse(all.Out))
        {
            Counts(doc.RootElement.GetProperty("steps")).ShouldBe([4L, 3L]);
        }

        var only = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--window", "1d", "--events", csv, "--cohort", "inviters", "--cohorts", yaml, "--format", "json");
        only.ExitCode.ShouldBe(0, only.ToString());
        using (var doc = JsonDocument.Parse(only.Out))
        {
            Counts(doc.RootElement.GetProperty("steps")).ShouldBe([1L, 1L]);
        }

        // A saved list: b and d (zz has no events). b converts, d does not.
        var saved = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--window", "1d", "--events", csv, "--cohort", "saved", "--cohorts", yaml, "--format", "json");
        using (var doc = JsonDocument.Parse(saved.Out))
        {
            Counts(doc.RootElement.GetProperty("steps")).ShouldBe([2L, 1L]);
        }

        var split = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--window", "1d", "--events", csv, "--by", "cohort:inviters", "--cohorts", yaml, "--format", "json");
        split.ExitCode.ShouldBe(0, split.ToString());
        using (var doc = JsonDocument.Parse(split.Out))
        {
            doc.RootElement.GetProperty("breakdown").GetString().ShouldBe("cohort:inviters");
            var b = doc.RootElement.GetProperty("breakdowns");
            Counts(b.GetProperty("in inviters")).ShouldBe([1L, 1L]);
            Counts(b.GetProperty("not in inviters")).ShouldBe([3L, 2L]);
            Counts(doc.RootElement.GetProperty("steps")).ShouldBe([4L, 3L]);
        }
    }

    [Fact]
    public async Task A_cohort_filters_a_retention_table()
    {
        var (csv, yaml) = await FilesAsync();
        var all = await CliRun.RunAsync("retention", "--start", "signed_up", "--events", csv, "--format", "json");
        all.ExitCode.ShouldBe(0, all.ToString());
        var only = await CliRun.RunAsync("retention", "--start", "signed_up", "--events", csv, "--cohort", "inviters", "--cohorts", yaml, "--format", "json");
        only.ExitCode.ShouldBe(0, only.ToString());
        using var a = JsonDocument.Parse(all.Out);
        using var o = JsonDocument.Parse(only.Out);
        a.RootElement.GetProperty("cohorts").EnumerateArray().Single().GetProperty("size").GetInt64().ShouldBe(4);
        o.RootElement.GetProperty("cohorts").EnumerateArray().Single().GetProperty("size").GetInt64().ShouldBe(1);
    }

    // Weeks from Monday 01-05. Week 1 ends before a's second invite (01-12) and before c churns: c only. Week 2: a and c.
    // Week 3: c churned on 01-20, so a only. The saved list: b and d from their first event on.
    [Fact]
    public async Task Cohorts_lists_each_cohort_with_its_size_week_by_week()
    {
        var (csv, yaml) = await FilesAsync();
        var r = await CliRun.RunAsync("cohorts", yaml, "--events", csv, "--format", "json");
        r.ExitCode.ShouldBe(0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var rows = doc.RootElement.EnumerateArray().ToList();
        rows.Select(c => (c.GetProperty("id").GetString(), c.GetProperty("kind").GetString(), c.GetProperty("size").GetInt64()))
            .ShouldBe([("inviters", "rules", 1L), ("saved", "list", 2L)]);
        rows[0].GetProperty("name").GetString().ShouldBe("Early inviters");
        rows[0].GetProperty("definition").GetString().ShouldBe("did invite_sent at least 2 times within 7d of signed_up; did not churned");
        rows[0].GetProperty("weekly").EnumerateArray().Select(w => (w.GetProperty("week_of").GetString(), w.GetProperty("size").GetInt64()))
            .ShouldBe([("2026-01-05", 1L), ("2026-01-12", 2L), ("2026-01-19", 1L)]);
        rows[1].GetProperty("weekly").EnumerateArray().Select(w => w.GetProperty("size").GetInt64()).ShouldBe([2L, 2L, 2L]);

        var two = await CliRun.RunAsync("cohorts", yaml, "--events", csv, "--weeks", "2");
        two.ExitCode.ShouldBe(0, two.ToString());
        two.Out.ShouldContain("Early inviters (inviters)");
        two.Out.ShouldContain("2 1");
    }

    // Dropped after signing up (no invite within a day): d only. Saved as a cohort, it filters the funnel to d.
    [Fact]
    public async Task The_people_at_a_step_are_saved_as_a_cohort_that_reads_back()
    {
        var (csv, _) = await FilesAsync();
        var saved = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--window", "1d", "--people", "1:dropped", "--save-cohort", "stuck", "--events", csv);
        saved.ExitCode.ShouldBe(0, saved.ToString());
        saved.Out.ShouldBe("cohorts:\n  - id: 'stuck'\n    name: 'dropped at step 1 (signed_up)'\n    ids:\n      - 'd'\n");

        var yaml = Path.Combine(_dir, "saved.yaml");
        await File.WriteAllTextAsync(yaml, "id: s\ntitle: S\nstages:\n  - { id: a, name: A }\n" + saved.Out, TestContext.Current.CancellationToken);
        var only = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--window", "1d", "--events", csv, "--cohort", "stuck", "--cohorts", yaml, "--format", "json");
        only.ExitCode.ShouldBe(0, only.ToString());
        using var doc = JsonDocument.Parse(only.Out);
        Counts(doc.RootElement.GetProperty("steps")).ShouldBe([1L, 0L]);

        var alone = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--save-cohort", "stuck", "--events", csv);
        alone.ExitCode.ShouldBe(1, alone.ToString());
        alone.Err.ShouldContain("add --people");
    }

    [Fact]
    public async Task A_missing_file_or_cohort_is_a_clear_error()
    {
        var (csv, yaml) = await FilesAsync();
        var noFile = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--events", csv, "--cohort", "inviters");
        noFile.ExitCode.ShouldBe(1, noFile.ToString());
        noFile.Err.ShouldContain("--cohorts FILE");

        var unknown = await CliRun.RunAsync("funnel", "--steps", "signed_up,invite_sent", "--events", csv, "--by", "cohort:invitres", "--cohorts", yaml);
        unknown.ExitCode.ShouldBe(1, unknown.ToString());
        unknown.Err.ShouldContain("defines no cohort 'invitres'; it defines inviters, saved");

        var weeks = await CliRun.RunAsync("cohorts", yaml, "--events", csv, "--weeks", "0");
        weeks.ExitCode.ShouldBe(1, weeks.ToString());
        weeks.Err.ShouldContain("--weeks");
        weeks.Err.ShouldNotContain("   at ");
    }
}
