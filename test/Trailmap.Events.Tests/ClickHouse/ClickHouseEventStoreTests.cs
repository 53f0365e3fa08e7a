using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Events.ClickHouse;
using Xunit;

namespace Trailmap.Events.Tests.ClickHouse;

/// <summary>What the ClickHouse engine adds beyond the storage contract: sharding, cross-file idempotency, traits merging, quoting.</summary>
public sealed class ClickHouseEventStoreTests : IDisposable
{
    private readonly TempDir dir = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ClickHouseServer server = ClickHouseServer.FreshDatabase();

    private ImportSummary Import(ClickHouseEventStore store, string name, params string[] lines) =>
        store.Import([dir.Write(name, string.Join("\n", lines))], cancel: TestContext.Current.CancellationToken);

    private static string Track(string customer, string evt, string messageId, int minute) =>
        $$"""{"type":"track","userId":"{{customer}}","event":"{{evt}}","messageId":"{{messageId}}","timestamp":"2026-01-01T10:{{minute:00}}:00Z"}""";

    [Fact]
    public void Each_customers_events_sit_on_one_shard_and_both_shards_hold_customers()
    {
        using var store = ClickHouseEventStore.Open(server.Address, clock);
        store.Shards.Count.ShouldBe(2, "eng/clickhouse.sh starts two shards");
        // 40 customers with 3 events each: cityHash64 puts all of one customer's rows on one shard.
        var lines = Enumerable.Range(0, 40).SelectMany(c => Enumerable.Range(0, 3).Select(e => Track("c" + c, "E" + e, $"m{c}-{e}", e))).ToArray();
        Import(store, "many.jsonl", lines).Imported.ShouldBe(120);

        var perShard = store.Shards.Select(endpoint =>
        {
            var colon = endpoint.LastIndexOf(':');
            using var shard = new ClickHouseHttp(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture), server.Address);
            return shard.Query($"SELECT customer_id, count() FROM {server.Address.Database}.events_local GROUP BY customer_id")
                .ToDictionary(r => r[0], r => int.Parse(r[1], CultureInfo.InvariantCulture));
        }).ToList();

        perShard.ShouldAllBe(s => s.Count > 0);
        perShard[0].Keys.Intersect(perShard[1].Keys).ShouldBeEmpty();
        perShard.SelectMany(s => s.Keys).Order(StringComparer.Ordinal).ShouldBe(Enumerable.Range(0, 40).Select(c => "c" + c).Order(StringComparer.Ordinal));
        perShard.SelectMany(s => s.Values).ShouldAllBe(n => n == 3);
    }

    [Fact]
    public void A_message_id_already_stored_by_an_earlier_file_is_a_duplicate()
    {
        using var store = ClickHouseEventStore.Open(server.Address, clock);
        Import(store, "a.jsonl", Track("u1", "A", "m1", 0), Track("u2", "A", "m2", 1)).Imported.ShouldBe(2);

        var second = Import(store, "b.jsonl", Track("u1", "A", "m1", 0), Track("u3", "B", "m3", 2));

        (second.Imported, second.Duplicates).ShouldBe((1L, 1L));
        store.Summary().Events.ShouldBe(3);
        store.Summary().Imports.ShouldBe(2);
    }

    [Fact]
    public void Traits_of_a_later_import_merge_key_by_key_into_the_stored_ones()
    {
        using var store = ClickHouseEventStore.Open(server.Address, clock);
        Import(store, "a.jsonl", """{"type":"identify","userId":"u1","traits":{"plan":"team","seats":3,"email":"a@x"}}""");
        clock.Advance(TimeSpan.FromHours(1));

        Import(store, "b.jsonl", """{"type":"identify","userId":"u1","traits":{"plan":"pro","email":null}}""");

        var traits = store.ReadTraits().ShouldHaveSingleItem();
        traits.Traits.ShouldBe("""{"plan":"pro","seats":3}""");
        store.TraitsWatermark().ShouldBe(clock.GetUtcNow());
        store.ReadTraits(clock.GetUtcNow().AddMinutes(1)).ShouldBeEmpty();
    }

    [Fact]
    public void Ids_and_names_with_quotes_backslashes_tabs_and_newlines_round_trip()
    {
        using var store = ClickHouseEventStore.Open(server.Address, clock);
        const string Customer = "o'brien\\\t\"x\"\nü";
        var line = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "track",
            ["userId"] = Customer,
            ["event"] = "it's \\ done",
            ["messageId"] = "q'1",
            ["timestamp"] = "2026-01-01T10:00:00Z",
            ["properties"] = new Dictionary<string, object> { ["note"] = "tab\there" },
        });
        Import(store, "q.jsonl", line);

        var row = store.ReadCustomer(Customer, 10).ShouldHaveSingleItem();
        (row.CustomerId, row.Event, row.MessageId).ShouldBe((Customer, "it's \\ done", "q'1"));
        row.Properties.ShouldContain("tab\\there");
        store.Load(new EventLogQuery { Events = ["it's \\ done"], IncludeTraits = false }).Customers.ShouldBe([Customer]);
        store.ReadCustomer("o'brien", 10).ShouldBeEmpty();
    }

    // The storage contract's links (docs/identity.md): identify a1 -> u1 at 08:00, alias u1 -> u9 at 08:30, imported
    // in a file of their own and then again in a second file with one new link: each is stored once, as it arrived,
    // and they resolve as on DuckDB: a1 and u1 are person u9, and b1 (identified as u9 at 09:00) too.
    [Fact]
    public void Identity_links_are_stored_once_as_they_arrived()
    {
        using var store = ClickHouseEventStore.Open(server.Address, clock);
        string[] links =
        [
            """{"type":"alias","previousId":"u1","userId":"u9","messageId":"l2","timestamp":"2026-01-01T08:30:00Z"}""",
            """{"type":"identify","anonymousId":"a1","userId":"u1","traits":{"plan":"team"},"messageId":"l1","timestamp":"2026-01-01T08:00:00Z"}""",
        ];
        Import(store, "links.jsonl", links);
        Import(store, "again.jsonl", [.. links, """{"type":"identify","anonymousId":"b1","userId":"u9","messageId":"l3","timestamp":"2026-01-01T09:00:00Z"}"""]);

        store.ReadLinks().OrderBy(l => l.MessageId, StringComparer.Ordinal).ShouldBe(
        [
            new IdentityLink("a1", "u1", IdentityLinkKind.Identify, new DateTime(2026, 1, 1, 8, 0, 0, DateTimeKind.Utc), "l1"),
            new IdentityLink("u1", "u9", IdentityLinkKind.Alias, new DateTime(2026, 1, 1, 8, 30, 0, DateTimeKind.Utc), "l2"),
            new IdentityLink("b1", "u9", IdentityLinkKind.Identify, new DateTime(2026, 1, 1, 9, 0, 0, DateTimeKind.Utc), "l3"),
        ]);
        IdentityGraph.Resolve(store.ReadLinks()).OrderBy(p => p.Key, StringComparer.Ordinal)
            .ShouldBe([new("a1", "u9"), new("b1", "u9"), new("u1", "u9")]);
    }

    // docs/identity.md's example: three anonymous visitors view the home page (a1, a2, a3); a1 and a2 are identified
    // as u1 and u2, who then sign up. Funnel Viewed Home Page > Signed Up, by hand: 3 viewers, 2 sign-ups. The
    // persons' ids may sit on different shards, so the cluster answers from loaded, resolved events: the same
    // funnel, retention and paths as the DuckDB engine.
    [Fact]
    public void Analyses_count_persons_after_identify_on_both_engines()
    {
        string[] lines =
        [
            """{"type":"page","anonymousId":"a1","name":"Home","messageId":"p1","timestamp":"2026-01-01T10:00:00Z"}""",
            """{"type":"page","anonymousId":"a2","name":"Home","messageId":"p2","timestamp":"2026-01-01T10:01:00Z"}""",
            """{"type":"page","anonymousId":"a3","name":"Home","messageId":"p3","timestamp":"2026-01-01T10:02:00Z"}""",
            """{"type":"identify","anonymousId":"a1","userId":"u1","messageId":"i1","timestamp":"2026-01-01T10:05:00Z"}""",
            """{"type":"identify","anonymousId":"a2","userId":"u2","messageId":"i2","timestamp":"2026-01-01T10:06:00Z"}""",
            """{"type":"track","userId":"u1","event":"Signed Up","messageId":"s1","timestamp":"2026-01-01T10:10:00Z"}""",
            """{"type":"track","userId":"u2","event":"Signed Up","messageId":"s2","timestamp":"2026-01-02T10:11:00Z"}""",
        ];
        using var clickHouse = ClickHouseEventStore.Open(server.Address, clock);
        using var duck = EventStore.Open(":memory:", clock);
        Import(clickHouse, "people.jsonl", lines);
        duck.Import([dir.Write("people-duck.jsonl", string.Join("\n", lines))], cancel: TestContext.Current.CancellationToken);
        var onCluster = Trailmap.Events.EventEngines.Analytics(clickHouse);
        var inMemory = new Trailmap.Events.Analytics.InMemoryAnalytics(duck);

        var funnel = new Trailmap.Analytics.Funnels.FunnelSpec { Steps = [new("Viewed Home Page"), new("Signed Up")] };
        onCluster.Funnel(funnel).Steps.Select(x => x.Customers).ShouldBe([3L, 2]);
        onCluster.Funnel(funnel).Steps.ShouldBe(inMemory.Funnel(funnel).Steps);

        var retention = new Trailmap.Analytics.Retention.RetentionSpec { StartEvent = new("Viewed Home Page"), Periods = 1 };
        var table = onCluster.Retention(retention);
        table.Cohorts.ShouldHaveSingleItem().Retained.ShouldBe([1L, 1]); // u1 signs up the same day, u2 the next
        table.Cohorts.Select(c => (c.Cohort, c.Size, string.Join(" ", c.Retained)))
            .ShouldBe(inMemory.Retention(retention).Cohorts.Select(c => (c.Cohort, c.Size, string.Join(" ", c.Retained))));

        var paths = new Trailmap.Analytics.Paths.PathsSpec { From = "Viewed Home Page", Depth = 1 };
        onCluster.Paths(paths).Select(p => p.ToString()).ShouldBe(["Signed Up: 2", ": 1"]);
        onCluster.Paths(paths).Select(p => p.ToString()).ShouldBe(inMemory.Paths(paths).Select(p => p.ToString()));
        clickHouse.Summary().Customers.ShouldBe(duck.Summary().Customers);
    }

    [Fact]
    public void Microsecond_timestamps_survive_the_round_trip()
    {
        using var store = ClickHouseEventStore.Open(server.Address, clock);
        Import(store, "t.jsonl", """{"type":"track","userId":"u","event":"A","messageId":"m","timestamp":"2026-01-01T10:00:00.123456Z"}""");

        store.ReadCustomer("u", 1).ShouldHaveSingleItem().Timestamp.ShouldBe(new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234560));
    }

    public void Dispose()
    {
        dir.Dispose();
        server.Dispose();
    }
}
