using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>import --group</c> and <c>--unit accounts</c> end to end on a real store; counts worked out by hand.</summary>
public sealed class GroupCommandTests : IDisposable
{
    // acme: c1 signs up, c2 activates a day later. globex: c3 signs up. c4 is in no account.
    private const string Events = """
        user_id,event,timestamp,company
        c1,Signed Up,2026-01-01T09:00:00Z,acme
        c2,Activated,2026-01-02T09:00:00Z,acme
        c3,Signed Up,2026-01-01T09:00:00Z,globex
        c4,Signed Up,2026-01-01T09:00:00Z,
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-group-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static long[] StepCounts(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("customers").GetInt64())];
    }

    [Fact]
    public async Task A_funnel_counts_people_or_the_accounts_of_the_group_column()
    {
        var csv = Path.Combine(_dir, "events.csv");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);
        var db = Path.Combine(_dir, "store.duckdb");
        var import = await CliRun.RunAsync("import", csv, "--db", db, "--group", "company");
        import.ExitCode.ShouldBe(0, import.ToString());

        // People: c1, c3, c4 signed up; c2 activated without signing up itself: 3, 0.
        var people = await CliRun.RunAsync("funnel", "--steps", "Signed Up,Activated", "--db", db, "--format", "json");
        people.ExitCode.ShouldBe(0, people.ToString());
        StepCounts(people.Out).ShouldBe([3L, 0L]);

        // Accounts: acme (c1's sign-up, then c2's activation) and globex; c4 counts for none: 2, 1.
        var accounts = await CliRun.RunAsync("funnel", "--steps", "Signed Up,Activated", "--db", db, "--unit", "accounts", "--format", "json");
        accounts.ExitCode.ShouldBe(0, accounts.ToString());
        StepCounts(accounts.Out).ShouldBe([2L, 1L]);
    }

    [Fact]
    public async Task A_group_column_the_file_lacks_is_a_clear_error()
    {
        var csv = Path.Combine(_dir, "events.csv");
        await File.WriteAllTextAsync(csv, "user_id,event,timestamp\nc1,Signed Up,2026-01-01\n", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("import", csv, "--db", Path.Combine(_dir, "store.duckdb"), "--group", "company");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("--group names the column \"company\", which the file does not have. Columns found: user_id, event, timestamp.");
        run.Err.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task An_unknown_unit_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("funnel", "--steps", "a,b", "--db", Path.Combine(_dir, "store.duckdb"), "--unit", "teams");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("teams");
    }
}
