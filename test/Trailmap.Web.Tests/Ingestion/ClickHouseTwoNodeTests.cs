using System.Net;
using static Trailmap.Web.Tests.Ingestion.ClickHouseServeTests;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// Two <c>trailmap serve</c> processes on one ClickHouse database, each with its own workspace file: either accepts
/// ingestion, every event is stored once however many nodes it was sent to, and each node's journey counts the
/// events of both.
/// </summary>
public sealed class ClickHouseTwoNodeTests
{
    // Two more customers, sent to the second node only: u5 signs up and activates, u6 signs up.
    private const string SecondBatch = """
        {"batch": [
          {"type": "track", "userId": "u5", "event": "Signed Up", "messageId": "m8", "timestamp": "2024-05-04T10:00:00Z"},
          {"type": "track", "userId": "u5", "event": "Activated", "messageId": "m9", "timestamp": "2024-05-04T11:00:00Z"},
          {"type": "track", "userId": "u6", "event": "Signed Up", "messageId": "m10", "timestamp": "2024-05-05T10:00:00Z"}
        ]}
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Both_nodes_accept_ingestion_and_count_every_event_once()
    {
        using var cluster = ClickHouseCluster.FreshDatabase();
        var dir = Directory.CreateTempSubdirectory("trailmap-chnodes-").FullName;
        try
        {
            var (writeA, adminA) = PrepareWorkspace(Path.Combine(dir, "a.duckdb"));
            var (writeB, adminB) = PrepareWorkspace(Path.Combine(dir, "b.duckdb"));
            var starting = new[] { "a.duckdb", "b.duckdb" }
                .Select(f => ServeProcess.StartAsync(["--db", cluster.Address, "--workspace", Path.Combine(dir, f)], Cancel))
                .ToArray();
            await using var a = await starting[0];
            await using var b = await starting[1];
            using var ingestA = a.Client(writeA);
            using var ingestB = b.Client(writeB);

            // The first batch (m1..m7) to A, which measures the journey on it: 3, 2, 1 (ClickHouseServeTests).
            using var readA = Bearer(a, adminA);
            using var readB = Bearer(b, adminB);
            (await PostAsync(ingestA, "/v1/batch", Batch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await WaitForAsync(() => cluster.CountAsync("SELECT count() FROM DB.imports", Cancel), 1L);
            await WaitForAsync(async () => Reached(await StagesAsync(readA, "trial")), [3L, 2L, 1L]);

            // The second batch (m8..m10) to B, and the first one again, also to B: A hears of neither itself. Then
            // one more message to B (an event no stage names): B's pump takes the spool in order, so once it is
            // stored, everything before it has been imported.
            (await PostAsync(ingestB, "/v1/batch", SecondBatch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await PostAsync(ingestB, "/v1/batch", Batch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await PostAsync(ingestB, "/v1/track", """{"userId": "u7", "event": "Browsed", "messageId": "m11", "timestamp": "2024-05-06T10:00:00Z"}""", Cancel))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            await WaitForAsync(() => cluster.CountAsync("SELECT count() FROM DB.events WHERE message_id = 'm11'", Cancel), 1L);

            // 7 + 3 + 1 distinct messages; the repeat of m1..m7 through the other node adds none.
            (await cluster.CountAsync("SELECT count() FROM DB.events", Cancel)).ShouldBe(11);
            (await cluster.CountAsync("SELECT uniqExact(message_id) FROM DB.events", Cancel)).ShouldBe(11);

            // By hand, over both batches: Sign up u1, u2, u3, u5, u6 = 5; Activate u1, u2, u5 = 3 (u4 never signed
            // up); Pay u1 = 1. Both nodes show them: A sees B's events within its poll of the store.
            await WaitForAsync(async () => Reached(await StagesAsync(readB, "trial")), [5L, 3L, 1L]);
            await WaitForAsync(async () => Reached(await StagesAsync(readA, "trial")), [5L, 3L, 1L]);
        }
        finally
        {
            TryDelete(dir);
        }
    }

    private static long[] Reached(List<System.Text.Json.JsonElement> stages) => [.. stages.Select(s => s.GetProperty("reached").GetInt64())];

    /// <summary>Polls until <paramref name="read"/> gives <paramref name="expected"/> (at most 60 s), then asserts it.</summary>
    private static async Task WaitForAsync<T>(Func<Task<T>> read, T expected)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var last = await read();
        while (!Equal(last, expected) && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(250, Cancel);
            last = await read();
        }

        last.ShouldBe(expected);
    }

    private static bool Equal<T>(T a, T b) => a is long[] x && b is long[] y ? x.SequenceEqual(y) : EqualityComparer<T>.Default.Equals(a, b);
}
