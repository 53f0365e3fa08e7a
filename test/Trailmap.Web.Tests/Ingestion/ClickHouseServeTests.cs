using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.State;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// <c>trailmap serve --db clickhouse://... --workspace FILE</c> as a real process on the 2-shard test cluster:
/// events sent over the Segment API land in ClickHouse once per message id, and the journey's numbers come from
/// them, equal to the hand-worked ones and to what the same events give on a DuckDB workspace.
/// </summary>
public sealed class ClickHouseServeTests
{
    internal const string Journey = """
        version: 1
        id: trial
        title: Trial to paid
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
          - { id: activate, name: Activate, entry: Activated }
          - { id: pay, name: Pay, entry: Paid }
        """;

    // u1 signs up, activates and pays; u2 signs up and activates; u3 only signs up; u4 activates without signing up
    // (it never enters the first stage). By hand: Sign up 3 (u1, u2, u3), Activate 2 (u1, u2), Pay 1 (u1); 7 events.
    internal const string Batch = """
        {"batch": [
          {"type": "track", "userId": "u1", "event": "Signed Up", "messageId": "m1", "timestamp": "2024-05-01T10:00:00Z"},
          {"type": "track", "userId": "u1", "event": "Activated", "messageId": "m2", "timestamp": "2024-05-01T12:00:00Z"},
          {"type": "track", "userId": "u1", "event": "Paid", "messageId": "m3", "timestamp": "2024-05-03T10:00:00Z"},
          {"type": "track", "userId": "u2", "event": "Signed Up", "messageId": "m4", "timestamp": "2024-05-01T11:00:00Z"},
          {"type": "track", "userId": "u2", "event": "Activated", "messageId": "m5", "timestamp": "2024-05-02T11:00:00Z"},
          {"type": "track", "userId": "u3", "event": "Signed Up", "messageId": "m6", "timestamp": "2024-05-02T09:00:00Z"},
          {"type": "track", "userId": "u4", "event": "Activated", "messageId": "m7", "timestamp": "2024-05-02T10:00:00Z"}
        ]}
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ingested_events_land_in_ClickHouse_once_per_message_id_and_the_journey_counts_them_as_on_DuckDB()
    {
        using var cluster = ClickHouseCluster.FreshDatabase();
        var dir = Directory.CreateTempSubdirectory("trailmap-chserve-").FullName;
        try
        {
            var workspace = Path.Combine(dir, "workspace.duckdb");
            var (writeKey, adminKey) = PrepareWorkspace(workspace);

            await using var serve = await ServeProcess.StartAsync(["--db", cluster.Address, "--workspace", workspace], Cancel);
            using var ingest = serve.Client(writeKey);
            using var admin = Bearer(serve, adminKey);

            (await PostAsync(ingest, "/v1/batch", Batch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK, serve.Output);
            var first = await WaitForImportsAsync(admin, atLeast: 1);
            first.Events.ShouldBe(7);

            // The same seven messages again: the pump imports them (one more import) and stores none of them.
            (await PostAsync(ingest, "/v1/batch", Batch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var second = await WaitForImportsAsync(admin, atLeast: first.Imports + 1);
            second.Events.ShouldBe(7);
            (await cluster.CountAsync("SELECT count() FROM DB.events", Cancel)).ShouldBe(7);
            (await cluster.CountAsync("SELECT uniqExact(message_id) FROM DB.events", Cancel)).ShouldBe(7);

            var onClickHouse = await StagesAsync(admin, "trial");
            onClickHouse.Select(s => s.GetProperty("reached").GetInt64()).ShouldBe([3L, 2L, 1L]);
            var onDuckDb = await StagesOnDuckDbAsync();
            JsonSerializer.Serialize(onClickHouse).ShouldBe(JsonSerializer.Serialize(onDuckDb));
        }
        finally
        {
            TryDelete(dir);
        }
    }

    /// <summary>An ingest key and an admin key in a new workspace file, and the journey saved in it.</summary>
    internal static (string WriteKey, string AdminKey) PrepareWorkspace(string file)
    {
        using var db = new WorkspaceDb(file);
        var keys = new ApiKeyStore(db, TimeProvider.System);
        var write = keys.Create("website", ApiKeyKind.Ingest).Secret;
        var admin = keys.Create("ops", ApiKeyKind.Admin).Secret;
        new JourneyStore(db, TimeProvider.System).Create(Journey, "test");
        return (write, admin);
    }

    internal static HttpClient Bearer(ServeProcess serve, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(serve.Url), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Polls /api/status until the pump recorded <paramref name="atLeast"/> imports (each spooled round is one).</summary>
    internal static async Task<(long Events, long Imports)> WaitForImportsAsync(HttpClient admin, long atLeast)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var status = JsonDocument.Parse(await admin.GetStringAsync("/api/status", Cancel));
            var events = status.RootElement.GetProperty("events").GetInt64();
            var imports = status.RootElement.GetProperty("imports").GetInt64();
            if (imports >= atLeast)
            {
                return (events, imports);
            }

            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"no import {atLeast} within 60 s");
            await Task.Delay(200, Cancel);
        }
    }

    internal static async Task<List<JsonElement>> StagesAsync(HttpClient client, string slug)
    {
        using var analysis = JsonDocument.Parse(await client.GetStringAsync($"/api/journeys/{slug}/analysis", Cancel));
        return [.. analysis.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.Clone())];
    }

    /// <summary>The oracle: the same batch through the same API into a DuckDB workspace, in process.</summary>
    private static async Task<List<JsonElement>> StagesOnDuckDbAsync()
    {
        using var factory = new WorkspaceFactory();
        var segment = Segment(factory);
        (await PostAsync(segment, "/v1/batch", Batch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await FlushAsync(factory, Cancel);
        factory.Service<EventData>().Changed();
        var stored = factory.Service<JourneyStore>().Create(Journey, "test");
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);
        var stages = await StagesAsync(viewer, stored.Slug);
        stages.Select(s => s.GetProperty("reached").GetInt64()).ShouldBe([3L, 2L, 1L]);
        return stages;
    }

    internal static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
