using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// A --db that names an existing file which is not a Trailmap store is refused, by every command, as a usage error
/// that names the likely mistake. Before, `trailmap import x.csv --db y.csv` and `trailmap serve --db y.csv`
/// reported success while DuckDB kept nothing, and after a restart the admin, keys and events were gone.
/// </summary>
public sealed class StorePathTests : IDisposable
{
    private const string Events = "customer_id,event,timestamp\nc1,Signed Up,2026-01-01T00:00:00Z\nc2,Signed Up,2026-01-02T00:00:00Z\n";

    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-db-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Import_into_a_csv_named_as_the_store_exits_2_suggests_importing_it_and_changes_nothing()
    {
        var events = Write("x.csv", Events);
        var notAStore = Write("y.csv", "a,b\n1,2\n");

        var run = await CliRun.RunAsync("import", events, "--db", notAStore);

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain($"--db: '{notAStore}' looks like a CSV file, not a Trailmap store: did you mean `trailmap import y.csv`");
        (await File.ReadAllTextAsync(notAStore, TestContext.Current.CancellationToken)).ShouldBe("a,b\n1,2\n");
        Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["x.csv", "y.csv"]);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("funnel", "--steps", "Signed Up,Activated")]
    [InlineData("retention", "--start", "Signed Up")]
    [InlineData("users", "list")]
    [InlineData("users", "add", "a@example.test", "--role", "admin")]
    [InlineData("keys", "create", "--kind", "ingest", "--name", "site")]
    [InlineData("keys", "list")]
    public async Task Every_command_with_a_store_refuses_a_journey_file_as_the_store(params string[] command)
    {
        var journey = Write("journey.yaml", "id: t\ntitle: T\nstages: []\n");

        var run = await CliRun.RunAsync([.. command, "--db", journey]);

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain($"'{journey}' looks like a journey file (YAML), not a Trailmap store");
        (await File.ReadAllTextAsync(journey, TestContext.Current.CancellationToken)).ShouldBe("id: t\ntitle: T\nstages: []\n");
        File.Exists(journey + ".wal").ShouldBeFalse();
    }

    [Fact]
    public async Task Serve_on_a_csv_named_as_the_store_exits_2_before_listening()
    {
        var notAStore = Write("y.csv", "a,b\n1,2\n");

        // The built executable: before the check, serve started and ran until the 2-minute timeout.
        var run = await CliRun.RunProcessAsync("serve", "--db", notAStore, "--urls", "http://127.0.0.1:0");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("looks like a CSV file, not a Trailmap store");
        run.Err.ShouldNotContain("Trailmap is running");
        (await File.ReadAllTextAsync(notAStore, TestContext.Current.CancellationToken)).ShouldBe("a,b\n1,2\n");
    }

    [Fact]
    public async Task A_new_path_is_created_and_a_store_opens_again_after_a_restart()
    {
        var events = Write("x.csv", Events);
        var store = Path.Combine(dir, "events.duckdb");

        (await CliRun.RunAsync("import", events, "--db", store)).ExitCode.ShouldBe(0);
        var status = await CliRun.RunAsync("status", "--db", store);

        status.ExitCode.ShouldBe(0, status.ToString());
        status.Out.ShouldContain("2 events, 2 customers, 1 imports");
    }
}
