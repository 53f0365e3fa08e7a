using Shouldly;
using Trailmap.Events.Tests.ClickHouse;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// <c>--db clickhouse://...</c> on the commands that take it: import, status, funnel, retention and paths run against the
/// two-shard test cluster and print what the same commands print on a DuckDB file holding the same events.
/// </summary>
public sealed class ClickHouseCommandTests : IDisposable
{
    // 2026-01-05 is a Monday. Funnel Signed Up > Activated > Purchased in 14 days, by hand: c1, c2, c3, c5 start (4);
    // c1 (1 h), c2 (48 h) and c5 (7 d) activate (3); c1 buys 24 h after activating (1). c4 never signs up.
    private const string Events = """
        customer_id,event,timestamp,message_id
        c1,Signed Up,2026-01-05T00:00:00Z,m1
        c1,Activated,2026-01-05T01:00:00Z,m2
        c1,Purchased,2026-01-06T01:00:00Z,m3
        c2,Signed Up,2026-01-05T12:00:00Z,m4
        c2,Activated,2026-01-07T12:00:00Z,m5
        c3,Signed Up,2026-01-06T00:00:00Z,m6
        c4,Activated,2026-01-06T00:00:00Z,m7
        c5,Signed Up,2026-01-13T00:00:00Z,m8
        c5,Activated,2026-01-20T00:00:00Z,m9

        """;

    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-ch-cli-").FullName;
    private readonly List<ClickHouseServer> servers = [];

    public void Dispose()
    {
        foreach (var server in servers)
        {
            server.Dispose();
        }

        Directory.Delete(dir, recursive: true);
    }

    private string Cluster()
    {
        var server = ClickHouseServer.FreshDatabase();
        servers.Add(server);
        return server.Address.ToString();
    }

    private string EventsFile()
    {
        var path = Path.Combine(dir, "events.csv");
        File.WriteAllText(path, Events);
        return path;
    }

    [Fact]
    public async Task Import_then_status_counts_the_events_and_a_second_import_adds_none()
    {
        var db = Cluster();
        var file = EventsFile();

        var first = await CliRun.RunAsync("import", file, "--db", db);
        var again = await CliRun.RunAsync("import", file, "--db", db);
        var status = await CliRun.RunAsync("status", "--db", db);

        first.ExitCode.ShouldBe(0, first.ToString());
        again.ExitCode.ShouldBe(0, again.ToString());
        status.ExitCode.ShouldBe(0, status.ToString());
        // 9 rows, 5 customers; the second import's 9 rows are duplicates by message id.
        status.Out.ShouldContain($"{db}: 9 events, 5 customers");
        status.Out.ShouldContain("Activated");
    }

    [Fact]
    public async Task Funnel_on_the_cluster_gives_the_hand_computed_numbers_and_the_same_output_as_on_duckdb()
    {
        var db = Cluster();
        var file = EventsFile();
        var duck = Path.Combine(dir, "events.duckdb");
        (await CliRun.RunAsync("import", file, "--db", db)).ExitCode.ShouldBe(0);
        (await CliRun.RunAsync("import", file, "--db", duck)).ExitCode.ShouldBe(0);
        string[] funnel = ["funnel", "--steps", "Signed Up,Activated,Purchased", "--format", "csv"];

        var onCluster = await CliRun.RunAsync([.. funnel, "--db", db]);
        var onDuck = await CliRun.RunAsync([.. funnel, "--db", duck]);

        onCluster.ExitCode.ShouldBe(0, onCluster.ToString());
        // Step 2 times 3,600 s, 172,800 s and 604,800 s: nearest-rank median the 2nd, p90 the 3rd, mean 781,200 / 3.
        onCluster.Out.ShouldBe(
            "breakdown,step,name,customers,conversion_from_start,conversion_from_previous,drop_off,median_seconds,p90_seconds,mean_seconds\n"
            + ",1,Signed Up,4,1,1,0,,,\n"
            + ",2,Activated,3,0.75,0.75,1,172800,604800,260400\n"
            + ",3,Purchased,1,0.25,0.333333,2,86400,86400,86400\n");
        onDuck.Out.ShouldBe(onCluster.Out);
    }

    [Fact]
    public async Task Retention_on_the_cluster_prints_what_it_prints_on_duckdb()
    {
        var db = Cluster();
        var file = EventsFile();
        var duck = Path.Combine(dir, "events.duckdb");
        (await CliRun.RunAsync("import", file, "--db", db)).ExitCode.ShouldBe(0);
        (await CliRun.RunAsync("import", file, "--db", duck)).ExitCode.ShouldBe(0);
        string[] retention = ["retention", "--start", "Signed Up", "--period", "week", "--periods", "2", "--format", "csv"];

        var onCluster = await CliRun.RunAsync([.. retention, "--db", db]);
        var onDuck = await CliRun.RunAsync([.. retention, "--db", duck]);

        onCluster.ExitCode.ShouldBe(0, onCluster.ToString());
        onCluster.Out.ShouldBe(onDuck.Out);
        // The cohorts hold the 4 customers who signed up, whichever weeks they fall in.
        onCluster.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Sum(line => int.Parse(line.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(4);
    }

    // After each customer's first Signed Up, depth 2, by hand: c1 Activated > Purchased; c2 and c5 Activated; c3
    // nothing. Paths with 2, 1 and 1 customers, in that order (equal counts by path text: "" before "Activated > ...").
    [Fact]
    public async Task Paths_on_the_cluster_give_the_hand_computed_paths_and_the_same_output_as_on_duckdb()
    {
        var db = Cluster();
        var file = EventsFile();
        var duck = Path.Combine(dir, "events.duckdb");
        (await CliRun.RunAsync("import", file, "--db", db)).ExitCode.ShouldBe(0);
        (await CliRun.RunAsync("import", file, "--db", duck)).ExitCode.ShouldBe(0);
        string[] paths = ["paths", "--from", "Signed Up", "--depth", "2", "--format", "json"];

        var onCluster = await CliRun.RunAsync([.. paths, "--db", db]);
        var onDuck = await CliRun.RunAsync([.. paths, "--db", duck]);

        onCluster.ExitCode.ShouldBe(0, onCluster.ToString());
        onCluster.Out.ShouldBe(onDuck.Out);
        using var json = System.Text.Json.JsonDocument.Parse(onCluster.Out);
        json.RootElement.GetProperty("paths").EnumerateArray()
            .Select(p => $"{string.Join(" > ", p.GetProperty("events").EnumerateArray().Select(e => e.GetString()))}: {p.GetProperty("customers").GetInt64()}")
            .ShouldBe(["Activated: 2", ": 1", "Activated > Purchased: 1"]);
    }

    [Fact]
    public async Task A_command_that_needs_a_store_file_refuses_a_clickhouse_address_as_a_usage_error()
    {
        var run = await CliRun.RunAsync("users", "add", "a@example.test", "--role", "admin", "--db", "clickhouse://127.0.0.1:8123/trailmap");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("the workspace is a DuckDB file, not a ClickHouse store: pass the file trailmap serve names with --workspace");
    }

    [Fact]
    public async Task A_cluster_that_does_not_answer_is_a_one_line_error_naming_it()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var run = await CliRun.RunAsync("status", "--db", "clickhouse://127.0.0.1:1/trailmap");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("127.0.0.1:1");
        run.Err.ShouldNotContain("   at ");
    }
}
