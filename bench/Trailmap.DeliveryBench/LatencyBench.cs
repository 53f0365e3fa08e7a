using System.Diagnostics;
using System.Globalization;
using Trailmap.Delivery;
using Trailmap.Journeys.Model;

namespace Trailmap.DeliveryBench;

/// <summary>
/// Enqueue-to-delivered latency of webhook messages at a steady rate, all on loopback: the producer enqueues what
/// fell due every 10 ms (as the automation would per evaluation tick), the dispatcher loop runs as in the server, and
/// a Kestrel receiver (<see cref="WebhookSink"/>) notes when each message arrives. Latency = arrival - the moment
/// just before its enqueue call.
/// </summary>
internal static class LatencyBench
{
    private const string Secret = "bench-webhook-secret-0123456789";

    public static async Task<int> RunAsync(int rate, int seconds, int parallelism)
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-delivery-bench");
        var path = Path.Combine(dir.FullName, "outbox.duckdb");
        var loadBefore = LoadAverage();
        await using var sink = await WebhookSink.StartAsync(Secret);

        using var stop = new CancellationTokenSource();
        using var outbox = Outbox.Open(path);
        // One client for the process, as WebhookChannel asks: SocketsHttpHandler keeps the loopback connections open.
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var dispatcher = new Dispatcher(
            outbox,
            [new WebhookChannel(http, new WebhookOptions { Secret = Secret })],
            new DispatcherOptions { Parallelism = parallelism, BatchSize = 200 });
        var loop = Task.Run(() => dispatcher.RunAsync(stop.Token));

        var action = new InterventionAction { Channel = ActionChannel.Webhook, Url = sink.Url.ToString(), Message = "Hi {{ customer.name }}" };

        // Warm-up: 3 s at the same rate, not measured, so the JIT's work (seconds of CPU in the first seconds of a
        // .NET process) and the first connections are not billed to the messages measured.
        var warm = await ProduceAsync(outbox, action, "warm", rate, rate * 3);
        var warmDeadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (sink.Arrivals.Count < warm.EnqueuedAt.Count && Stopwatch.GetTimestamp() < warmDeadline)
        {
            await Task.Delay(20);
        }

        sink.Arrivals.Clear();
        var total = rate * seconds;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var threadsBefore = ThreadCpu.Snapshot();
        var (groupsBefore, writesBefore) = (outbox.Database.GroupCommits, outbox.Database.GroupedWrites);
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes());
        var started = Stopwatch.GetTimestamp();
        var (enqueuedAt, enqueueTimes, batchSizes) = await ProduceAsync(outbox, action, "bench", rate, total);
        var producing = Stopwatch.GetElapsedTime(started);
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (sink.Arrivals.Count < total && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(20);
        }

        var draining = Stopwatch.GetElapsedTime(started);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var threads = ThreadCpu.Since(threadsBefore);
        var gc = (GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2, GC.CollectionCount(2) - gcBefore.Item3,
            GC.GetTotalAllocatedBytes() - gcBefore.Item4);
        await stop.CancelAsync();
        await loop;

        var latencies = sink.Arrivals
            .Where(a => enqueuedAt.ContainsKey(a.Key))
            .Select(a => (a.Value.Timestamp - enqueuedAt[a.Key]) * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();
        // Where the slow ones were: p50 and max latency by 5-second window of enqueue time.
        var windows = sink.Arrivals.Where(a => enqueuedAt.ContainsKey(a.Key))
            .GroupBy(a => (int)((enqueuedAt[a.Key] - started) / (5.0 * Stopwatch.Frequency)))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var l = g.Select(a => (a.Value.Timestamp - enqueuedAt[a.Key]) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
                return string.Create(CultureInfo.InvariantCulture, $"{g.Key * 5}s: p50 {Percentile(l, 0.5):0} max {l[^1]:0}");
            });
        var counts = outbox.Counts();
        var retried = outbox.Database.Query(
            "SELECT count(*), any_value(last_error) FROM delivery_outbox WHERE attempts > 1",
            r => (Count: r.GetInt64(0), Error: r.IsDBNull(1) ? "" : r.GetString(1)))[0];
        var enqueueSorted = enqueueTimes.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            delivery latency bench: {total:N0} webhook messages at {rate:N0}/s (enqueued every 10 ms, all that fell due), parallelism {parallelism}
            produced in {producing.TotalSeconds:0.00} s (achieved {total / producing.TotalSeconds:N0}/s); all delivered after {draining.TotalSeconds:0.00} s
            received {latencies.Length:N0} of {total:N0} ({sink.BadSignatures} bad signatures); outbox: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}
            enqueue calls: {enqueueTimes.Count:N0}, {batchSizes.Average():0.0} messages each; call time p50 {Percentile(enqueueSorted, 0.50):0.0} ms, p99 {Percentile(enqueueSorted, 0.99):0.0} ms
            process CPU time {cpu.TotalSeconds:0.0} s for {total:N0} messages ({cpu.TotalMilliseconds * 1000 / total:0} us each: producer, dispatcher and receiver together) on {Environment.ProcessorCount} cores
            GC: {gc.Item1} gen0, {gc.Item2} gen1, {gc.Item3} gen2; {gc.Item4 / (double)total / 1024:0.0} KB allocated per message
            attempted more than once: {retried.Count:N0} (e.g. {retried.Error})
            outbox writer: {outbox.Database.GroupCommits - groupsBefore:N0} group commits, {(outbox.Database.GroupedWrites - writesBefore) / (double)Math.Max(1, outbox.Database.GroupCommits - groupsBefore):0.0} writes each; longest group {outbox.Database.LongestGroup.TotalMilliseconds:N0} ms, {outbox.Database.SlowGroups} over 1 s (whole run)
            CPU by thread name (measured part, s): {threads}
            load average (1 min) before {loadBefore}, after {LoadAverage()}
            latency by enqueue time (ms): {string.Join("; ", windows)}
            enqueue -> webhook received: p50 {Percentile(latencies, 0.50):0.0} ms, p95 {Percentile(latencies, 0.95):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies.LastOrDefault():0.0} ms
            """));
        outbox.Dispose();
        dir.Delete(recursive: true);
        return latencies.Length == total ? 0 : 1;
    }

    /// <summary>
    /// Enqueues <paramref name="total"/> messages at <paramref name="rate"/> a second: every 10 ms, everything that
    /// is due by the clock, as the automation would enqueue what one evaluation tick produced. A slow enqueue makes
    /// the next batch bigger instead of lowering the rate.
    /// </summary>
    private static async Task<(Dictionary<string, long> EnqueuedAt, List<double> CallMs, List<int> BatchSizes)> ProduceAsync(
        Outbox outbox, InterventionAction action, string rule, int rate, int total)
    {
        var enqueuedAt = new Dictionary<string, long>(total, StringComparer.Ordinal);
        var callMs = new List<double>();
        var batchSizes = new List<int>();
        var started = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < total)
        {
            var tick = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var due = Math.Min(total, (int)(tick * rate));
            if (due <= sent)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10) - TimeSpan.FromSeconds(tick % 0.01));
                continue;
            }

            // Due now, as the planner makes a message for a trigger that just happened.
            var dueAt = TimeProvider.System.GetUtcNow();
            var batch = new List<OutboxMessage>(due - sent);
            for (var i = sent; i < due; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                batch.Add(new OutboxMessage($"{rule}:c{n}:e{n}", rule, "c" + n, action, dueAt,
                    new Dictionary<string, string?> { ["customer.name"] = "Customer " + n }));
            }

            // Latency counts from just before the call that enqueued the message.
            var before = Stopwatch.GetTimestamp();
            foreach (var m in batch)
            {
                enqueuedAt[m.IdempotencyKey] = before;
            }

            outbox.EnqueueMany(batch);
            callMs.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            batchSizes.Add(batch.Count);
            sent = due;
        }

        return (enqueuedAt, callMs, batchSizes);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
