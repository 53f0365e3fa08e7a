using Shouldly;
using Trailmap.Events.Tests.ClickHouse;
using Trailmap.Testing;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>
/// <c>trailmap migrate --from FILE --to clickhouse://...</c> on the two-shard test cluster: the funnel, retention and
/// analyze JSON read from the cluster afterwards are those read from the file before, and a second run copies nothing.
/// </summary>
public sealed class MigrateCommandTests : IDisposable
{
    // The events of ClickHouseCommandTests, plus an identify (c1's plan) and an alias that merges anon-9 into c3, whose
    // Activated then counts for c3. Funnel Signed Up > Activated > Purchased by hand: c1, c2, c3, c5 sign up (4); c1,
    // c2, c5 and now c3 (through anon-9, 2 h after signing up) activate (4); c1 purchases (1).
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

    private const string Messages = """
        {"type": "identify", "userId": "c1", "traits": {"plan": "team"}, "messageId": "i1", "timestamp": "2026-01-05T00:00:00Z"}
        {"type": "track", "anonymousId": "anon-9", "event": "Activated", "messageId": "m10", "timestamp": "2026-01-06T02:00:00Z"}
        {"type": "alias", "previousId": "anon-9", "userId": "c3", "messageId": "i2", "timestamp": "2026-01-06T03:00:00Z"}

        """;

    private const string Journey = """
        version: 1
        id: trial
        title: Trial
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
          - { id: activate, name: Activate, entry: Activated }
          - { id: buy, name: Buy, entry: Purchased }
        """;

    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-migrate-").FullName;
    private readonly List<ClickHouseServer> servers = [];

    public void Dispose()
    {
        foreach (var server in servers)
        {
            server.Dispose();
        }

        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_migrated_store_gives_the_same_funnel_retention_and_analysis_and_a_second_run_copies_nothing()
    {
        var cluster = Cluster();
        var file = Path.Combine(dir, "trailmap.duckdb");
        await File.WriteAllTextAsync(Path.Combine(dir, "events.csv"), Events, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "messages.jsonl"), Messages, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "journey.yaml"), Journey, TestContext.Current.CancellationToken);
        (await CliRun.RunAsync("import", Path.Combine(dir, "events.csv"), "--db", file)).ExitCode.ShouldBe(0);
        (await CliRun.RunAsync("import", Path.Combine(dir, "messages.jsonl"), "--db", file)).ExitCode.ShouldBe(0);
        string[][] questions =
        [
            ["funnel", "--steps", "Signed Up,Activated,Purchased", "--format", "json"],
            ["retention", "--start", "Signed Up", "--period", "week", "--periods", "2", "--format", "json"],
            ["analyze", Path.Combine(dir, "journey.yaml"), "--format", "json"],
        ];
        var before = await AskAsync(questions, file);
        using (var funnel = System.Text.Json.JsonDocument.Parse(before[0]))
        {
            funnel.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("customers").GetInt64()).ShouldBe([4L, 4L, 1L]);
        }

        var first = await CliRun.RunAsync("migrate", "--from", file, "--to", cluster);
        first.ExitCode.ShouldBe(0, first.ToString());
        // 9 CSV rows and the anonymous Activated: 10 events; the identify and the alias are links, not events.
        first.Err.ShouldContain("10 events written, 0 already there");
        (await AskAsync(questions, cluster)).ShouldBe(before);

        var again = await CliRun.RunAsync("migrate", "--from", file, "--to", cluster);
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Err.ShouldContain("0 events written, 10 already there (by message id); 0 imports, 0 customers' traits, 0 identity links written");
        (await AskAsync(questions, cluster)).ShouldBe(before);
        (await CliRun.RunAsync("status", "--db", cluster)).Out.ShouldContain("10 events");
    }

    [Fact]
    public async Task The_REES46_sample_gives_the_same_funnel_retention_and_analysis_after_migrating()
    {
        var csv = Path.Combine(RepoPaths.SharedData, "rees46_oct2019_sample", "2019-Oct_first17k.csv");
        Assert.SkipUnless(File.Exists(csv), $"the REES46 sample is not at {csv}");
        var cluster = Cluster();
        var file = Path.Combine(dir, "rees46.duckdb");
        (await CliRun.RunAsync("import", csv, "--db", file)).ExitCode.ShouldBe(0);
        await File.WriteAllTextAsync(Path.Combine(dir, "shop.yaml"), """
            version: 1
            id: shop
            title: Shop
            stages:
              - { id: view, name: View, entry: view }
              - { id: cart, name: Cart, entry: cart }
              - { id: buy, name: Purchase, entry: purchase }
            """, TestContext.Current.CancellationToken);
        string[][] questions =
        [
            ["funnel", "--steps", "view,cart,purchase", "--window", "1d", "--format", "json"],
            ["funnel", "--steps", "view,cart,purchase", "--mode", "strict-order", "--format", "json"],
            ["retention", "--start", "view", "--period", "day", "--periods", "7", "--format", "json"],
            ["analyze", Path.Combine(dir, "shop.yaml"), "--format", "json"],
        ];
        var before = await AskAsync(questions, file);

        var run = await CliRun.RunAsync("migrate", "--from", file, "--to", cluster);
        run.ExitCode.ShouldBe(0, run.ToString());
        (await AskAsync(questions, cluster)).ShouldBe(before);
    }

    [Fact]
    public async Task Migrate_refuses_addresses_the_wrong_way_round_as_usage_errors()
    {
        var file = Path.Combine(dir, "none.duckdb");
        var backwards = await CliRun.RunAsync("migrate", "--from", "clickhouse://127.0.0.1:1/trailmap", "--to", file);
        backwards.ExitCode.ShouldBe(2, backwards.ToString());
        backwards.Err.ShouldContain("migrate copies from a DuckDB file");
        var notClickHouse = await CliRun.RunAsync("migrate", "--from", file, "--to", Path.Combine(dir, "other.duckdb"));
        notClickHouse.ExitCode.ShouldBe(2, notClickHouse.ToString());
        notClickHouse.Err.ShouldContain("is not a ClickHouse address");
        File.Exists(file).ShouldBeFalse();
    }

    private string Cluster()
    {
        var server = ClickHouseServer.FreshDatabase();
        servers.Add(server);
        return server.Address.ToString();
    }

    /// <summary>
    /// Each question's stdout on <paramref name="db"/>, with the store's name (which some outputs carry) blanked. The
    /// funnel's <c>time_to_convert_histogram</c> is left out: the funnel computed in ClickHouse SQL does not report it
    /// (a difference of the engines, not of the copy; the in-memory funnel a store with merged ids falls back to does).
    /// </summary>
    private static async Task<List<string>> AskAsync(string[][] questions, string db)
    {
        var answers = new List<string>();
        foreach (var question in questions)
        {
            var run = await CliRun.RunAsync([.. question, "--db", db]);
            run.ExitCode.ShouldBe(0, run.ToString());
            var json = System.Text.Json.Nodes.JsonNode.Parse(run.Out.Replace(db, "STORE", StringComparison.Ordinal))!.AsObject();
            json.Remove("time_to_convert_histogram");
            answers.Add(json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }

        return answers;
    }
}
