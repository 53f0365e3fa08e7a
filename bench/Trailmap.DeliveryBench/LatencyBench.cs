using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Trailmap.Delivery;
using Trailmap.Journeys.Model;

namespace Trailmap.DeliveryBench;

/// <summary>
/// Enqueue-to-delivered latency of webhook messages at a steady rate, all on loopback: the producer enqueues a batch
/// every 10 ms (as the automation would per evaluation tick), the dispatcher loop runs as in the server, and an
/// HttpListener receiver notes when each message arrives. Latency = arrival - the moment just before its enqueue call.
/// </summary>
internal static class LatencyBench
{
    private const string Secret = "bench-webhook-secret-0123456789";

    public static async Task<int> RunAsync(int rate, int seconds, int parallelism)
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-delivery-bench");
        var path = Path.Combine(dir.FullName, "outbox.duckdb");
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();

        var arrivals = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var receiver = Task.Run(() => ReceiveAsync(listener, arrivals, stop.Token));

        using var outbox = Outbox.Open(path);
        using var http = new HttpClient();
        var dispatcher = new Dispatcher(
            outbox,
            [new WebhookChannel(http, new WebhookOptions { Secret = Secret })],
            new DispatcherOptions { Parallelism = parallelism, BatchSize = 200 });
        var loop = Task.Run(() => dispatcher.RunAsync(stop.Token));

        var action = new InterventionAction { Channel = ActionChannel.Webhook, Url = $"http://127.0.0.1:{port}/hook", Message = "Hi {{ customer.name }}" };
        var enqueuedAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var total = rate * seconds;
        var perTick = Math.Max(1, rate / 100);
        var started = Stopwatch.GetTimestamp();
        var sent = 0;
        var enqueueTimes = new List<double>();
        while (sent < total)
        {
            // Pace by the clock, not by sleeping a fixed 10 ms, so a slow tick does not lower the rate.
            var due = (long)((double)sent / rate * Stopwatch.Frequency);
            var wait = due - (Stopwatch.GetTimestamp() - started);
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            var batch = new List<OutboxMessage>(perTick);
            for (var i = 0; i < perTick && sent + i < total; i++)
            {
                var n = (sent + i).ToString(CultureInfo.InvariantCulture);
                batch.Add(new OutboxMessage($"bench:c{n}:e{n}", "bench", "c" + n, action, DateTimeOffset.UnixEpoch,
                    new Dictionary<string, string?> { ["customer.name"] = "Customer " + n }));
            }

            var before = Stopwatch.GetTimestamp();
            foreach (var m in batch)
            {
                enqueuedAt[m.IdempotencyKey] = before;
            }

            outbox.EnqueueMany(batch);
            enqueueTimes.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            sent += batch.Count;
        }

        var producing = Stopwatch.GetElapsedTime(started);
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (arrivals.Count < total && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(20);
        }

        var draining = Stopwatch.GetElapsedTime(started);
        await stop.CancelAsync();
        await loop;
        listener.Stop();
        await receiver;

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var latencies = arrivals
            .Select(a => (a.Value - enqueuedAt[a.Key]) * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();
        var counts = outbox.Counts();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            delivery latency bench: {total:N0} webhook messages at {rate:N0}/s (batches of {perTick} every 10 ms), parallelism {parallelism}
            produced in {producing.TotalSeconds:0.00} s (achieved {total / producing.TotalSeconds:N0}/s); all delivered after {draining.TotalSeconds:0.00} s
            received {latencies.Length:N0} of {total:N0}; outbox: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}
            enqueue call (one batch, one transaction): p50 {Percentile(enqueueTimes.Order().ToArray(), 0.50):0.0} ms, p99 {Percentile(enqueueTimes.Order().ToArray(), 0.99):0.0} ms
            process CPU time {cpu.TotalSeconds:0.0} s for {total:N0} messages ({cpu.TotalMilliseconds * 1000 / total:0} us each, producer, dispatcher and receiver together) on {Environment.ProcessorCount} cores, load average {LoadAverage()}
            enqueue -> webhook received: p50 {Percentile(latencies, 0.50):0.0} ms, p90 {Percentile(latencies, 0.90):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies.LastOrDefault():0.0} ms
            """));
        outbox.Dispose();
        dir.Delete(recursive: true);
        return latencies.Length == total ? 0 : 1;
    }

    private static async Task ReceiveAsync(HttpListener listener, ConcurrentDictionary<string, long> arrivals, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var at = Stopwatch.GetTimestamp();
            _ = Task.Run(async () =>
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                using var json = JsonDocument.Parse(body.ToArray());
                arrivals.TryAdd(json.RootElement.GetProperty("id").GetString()!, at);
                context.Response.StatusCode = 200;
                context.Response.Close();
            });
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
