using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap backtest</c> end to end on a real DuckDB store and on an events file; counts worked out by hand.</summary>
public sealed class BacktestCommandTests : IDisposable
{
    // u1 signs up Jan 1 09:00 and logs in Jan 2 and Jan 10; u2 signs up Jan 3 12:00 and never logs in.
    private const string Events = """
        user_id,event,timestamp
        u1,Signed Up,2026-01-01T09:00:00Z
        u1,Logged In,2026-01-02T09:00:00Z
        u1,Logged In,2026-01-10T09:00:00Z
        u2,Signed Up,2026-01-03T12:00:00Z
        """;

    // No login for 3 days: u1's spell from the Jan 2 login ends Jan 5 09:00 (next login Jan 10), the one from Jan 10
    // ends Jan 13 09:00; u2 counts from its signup: Jan 6 12:00. The welcome step goes at each signup, by email, and
    // neither customer has an email trait: those firings are unreachable, not messaged. The nudge is in-app: it reaches everyone.
    private const string Journey = """
        id: reengage
        title: Re-engagement
        stages:
          - { id: signup, name: Sign up, entry: Signed Up, kpis: [{ id: k, name: K, type: count, event: Signed Up, target: ">= 1" }] }
        interventions:
          - { id: no-login-3d, name: Nudge, when: { no_event: Logged In, for: 3d }, then: { channel: in-app, message: Back? } }
        sequences:
          - id: welcome
            name: Welcome
            trigger: { entered_stage: signup }
            steps: [{ day: 0, then: { channel: email, subject: Hi } }]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-backtest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(string Journey, string Csv)> FilesAsync(string journey = Journey)
    {
        var yaml = Path.Combine(_dir, "journey.yaml");
        var csv = Path.Combine(_dir, "events.csv");
        await File.WriteAllTextAsync(yaml, journey, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);
        return (yaml, csv);
    }

    [Fact]
    public async Task Json_lists_each_day_and_rule_that_fired_with_totals()
    {
        var (yaml, csv) = await FilesAsync();
        var db = Path.Combine(_dir, "store.duckdb");
        (await CliRun.RunAsync("import", csv, "--db", db)).ExitCode.ShouldBe(0);

        // --to Jan 13 (exclusive) leaves out u1's second spell.
        var run = await CliRun.RunAsync("backtest", yaml, "--from", "2026-01-01", "--to", "2026-01-13", "--db", db, "--format", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => (r.GetProperty("day").GetString(), r.GetProperty("rule").GetString(), r.GetProperty("triggered").GetInt32(),
                r.GetProperty("messaged").GetInt32(), r.GetProperty("unreachable").GetInt32()))
            .ToList();
        rows.ShouldBe(
        [
            ("2026-01-01", "welcome", 1, 0, 1),
            ("2026-01-03", "welcome", 1, 0, 1),
            ("2026-01-05", "no-login-3d", 1, 1, 0),
            ("2026-01-06", "no-login-3d", 1, 1, 0),
        ]);
        doc.RootElement.GetProperty("customers").GetInt64().ShouldBe(2);
        doc.RootElement.GetProperty("totals").EnumerateArray().Sum(t => t.GetProperty("triggered").GetInt32()).ShouldBe(4);
    }

    [Fact]
    public async Task Csv_from_an_events_file_and_history_before_from_still_counts()
    {
        var (yaml, csv) = await FilesAsync();

        // From Jan 5 on: the signups are before the period, but u1's Jan 2 login still starts the spell that fires Jan 5.
        var run = await CliRun.RunAsync("backtest", yaml, "--from", "2026-01-05", "--to", "2026-01-20", "--events", csv, "--format", "csv");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ReplaceLineEndings("\n").ShouldBe("""
            day,rule,step,triggered,held_out,messaged,delayed,capped,unreachable
            2026-01-05,no-login-3d,,1,0,1,0,0,0
            2026-01-06,no-login-3d,,1,0,1,0,0,0
            2026-01-13,no-login-3d,,1,0,1,0,0,0

            """);
    }

    [Fact]
    public async Task Table_shows_the_rules_and_a_total()
    {
        var (yaml, csv) = await FilesAsync();

        var run = await CliRun.RunAsync("backtest", yaml, "--from", "2026-01-01", "--to", "2026-01-20", "--events", csv);

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("no-login-3d");
        run.Out.ShouldContain("total");
        run.Out.ShouldContain("nothing was sent");
        // The two email welcomes have no address to go to.
        run.Out.ShouldContain("2 planned messages had no address on their channel");
    }

    [Theory]
    [InlineData("2026-01-10", "2026-01-01", "--to (2026-01-01 00:00) must be after --from (2026-01-10 00:00)")]
    [InlineData("last week", "2026-01-01", "--from 'last week' is not a time")]
    public async Task Bad_period_is_a_clear_error(string from, string to, string message)
    {
        var (yaml, csv) = await FilesAsync();

        var run = await CliRun.RunAsync("backtest", yaml, "--from", from, "--to", to, "--events", csv);

        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain(message);
        run.Err.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Missing_period_is_a_usage_error()
    {
        var (yaml, _) = await FilesAsync();

        var run = await CliRun.RunAsync("backtest", yaml, "--from", "2026-01-01");

        run.ExitCode.ShouldNotBe(0);
        (run.Out + run.Err).ShouldContain("--to");
    }

    [Fact]
    public async Task Journey_without_rules_is_refused_with_a_pointer_to_the_docs()
    {
        var (yaml, csv) = await FilesAsync("""
            id: j
            title: J
            stages:
              - { id: signup, name: Sign up, entry: Signed Up, kpis: [{ id: k, name: K, type: count, event: Signed Up, target: ">= 1" }] }
            """);

        var run = await CliRun.RunAsync("backtest", yaml, "--from", "2026-01-01", "--to", "2026-01-02", "--events", csv);

        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain("has no interventions or sequences to backtest");
    }

    [Fact]
    public async Task Missing_store_says_how_to_make_one()
    {
        var (yaml, _) = await FilesAsync();

        var run = await CliRun.RunAsync("backtest", yaml, "--from", "2026-01-01", "--to", "2026-01-02", "--db", Path.Combine(_dir, "none.duckdb"));

        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain("trailmap import");
    }
}
