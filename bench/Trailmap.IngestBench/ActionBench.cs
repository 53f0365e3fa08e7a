using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Trailmap.DeliveryBench;
using Trailmap.Events;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.State;

namespace Trailmap.IngestBench;

/// <summary>
/// Event-to-action latency of a real <c>trailmap serve</c> (a child process): events posted to <c>/v1/track</c> at
/// a steady rate, each firing a webhook intervention (<c>when: { event: Bench Ping }</c>) whose message the running
/// rules enqueue and the dispatcher delivers to a Kestrel receiver in this process. Latency is the receiver's
/// arrival minus the moment before the event's POST, both on this process's Stopwatch. The whole way is real:
/// spool with fsync, the ingestion pump's import, the automation pass, the outbox's commits, HTTP with an
/// HMAC signature the receiver checks.
/// Usage: ingest-bench.sh --action [--rate 1000] [--seconds 60] [--warmup 5] [--history-customers 0] [--dir DIR]
/// </summary>
/// <remarks>
/// Every event has a customer id of its own (c-1, c-2, ...), so the idempotency key of the message it causes,
/// <c>ping-hook:{customer}:event-{time}</c>, names the event that caused it. The history option first imports
/// customers with older events (signed up, browsing) that the rule never fires for, so a pass has a realistic
/// store to look through.
/// </remarks>
internal static class ActionBench
{
    private const string Rule = "ping-hook";
    private const string Secret = "bench-webhook-secret-0123456789";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = IngestBench.Arg(args, "--rate", 1000);
        var seconds = IngestBench.Arg(args, "--seconds", 60);
        var warmup = IngestBench.Arg(args, "--warmup", 5);
        var history = IngestBench.Arg(args, "--history-customers", 0);
        var dir = args.SkipWhile(a => a != "--dir").Skip(1).FirstOrDefault() ?? Path.Combine(Path.GetTempPath(), "trailmap-action-bench");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "bench.duckdb");
        if (history > 0)
        {
            var watch = Stopwatch.StartNew();
            var events = ImportHistory(db, dir, history);
            Console.WriteLine($"history: {history:N0} customers, {events:N0} events imported in {watch.Elapsed.TotalSeconds:F1} s");
        }

        await using var sink = await WebhookSink.StartAsync(Secret);
        string writeKey, readKey;
        using (var workspace = new WorkspaceDb(db))
        {
            var keys = new ApiKeyStore(workspace, TimeProvider.System);
            writeKey = keys.Create("bench", ApiKeyKind.Ingest).Secret;
            readKey = keys.Create("bench status", ApiKeyKind.Read).Secret;
            new JourneyStore(workspace, TimeProvider.System).Create(Journey(sink.Url), "bench", "bench");
        }

        var url = "http://127.0.0.1:" + IngestBench.FreePort().ToString(Inv);
        using var server = IngestBench.StartServer(db, url, "--webhook-secret", Secret);
        try
        {
            using var status = new HttpClient { BaseAddress = new Uri(url) };
            status.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", readKey);
            await IngestBench.WaitReadyAsync(status, server);

            // The first pass activates the rule; only events after that act (docs/automation.md, activation).
            await Task.Delay(TimeSpan.FromSeconds(3));
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = new Uri(url),
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
            Console.WriteLine($"trailmap serve (pid {server.Id}) at {url}; {rate:N0} events/s to /v1/track for {seconds} s after a {warmup} s warm-up; receiver {sink.Url}");

            var loadBefore = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
            var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var failures = 0;
            await DriveAsync(http, rate, warmup, "w", new ConcurrentDictionary<string, long>(StringComparer.Ordinal), () => Interlocked.Increment(ref failures));
            var cpu0 = IngestBench.CpuSeconds(server);
            var measured = Stopwatch.StartNew();
            await DriveAsync(http, rate, seconds, "c", sent, () => Interlocked.Increment(ref failures));
            var driven = measured.Elapsed;

            // Wait for the stragglers: until every measured event's message arrived, or 60 s without progress.
            var lastCount = -1;
            var stalled = Stopwatch.StartNew();
            while (Received(sink, sent).Count < sent.Count && stalled.Elapsed < TimeSpan.FromSeconds(60))
            {
                var count = Received(sink, sent).Count;
                if (count != lastCount)
                {
                    lastCount = count;
                    stalled.Restart();
                }

                await Task.Delay(100);
            }

            var cpu = IngestBench.CpuSeconds(server) - cpu0;
            var loadAfter = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
            var threads = IngestBench.ThreadCpu(server);
            await IngestBench.StopAsync(server);

            var arrivals = Received(sink, sent);
            var latencies = arrivals.Select(a => a.LatencyMs).Order().ToArray();
            Console.WriteLine();
            Console.WriteLine($"events sent (measured):      {sent.Count:N0} in {driven.TotalSeconds:F1} s ({sent.Count / driven.TotalSeconds:N0}/s), {failures} failed requests");
            Console.WriteLine($"webhooks received:           {arrivals.Count:N0} of {sent.Count:N0} ({sink.BadSignatures} bad signatures, {sink.Arrivals.Count - arrivals.Count:N0} from the warm-up)");
            Console.WriteLine($"server CPU:                  {cpu:F1} s for the measured part and the drain ({cpu / Math.Max(1, sent.Count) * 1e6:F0} us per event: ingestion, rules, delivery)");
            Console.WriteLine($"server CPU by thread kind:   {threads} (whole run)");
            Console.WriteLine($"load average:                before {loadBefore}; after {loadAfter}");
            Console.WriteLine("latency by send time (ms):   " + string.Join("; ", arrivals
                .GroupBy(a => (int)(a.SentSeconds / 5) * 5)
                .OrderBy(g => g.Key)
                .Select(g =>
                {
                    var w = g.Select(a => a.LatencyMs).Order().ToArray();
                    return $"{g.Key}s: p50 {IngestBench.P(w, 0.5):F0} p99 {IngestBench.P(w, 0.99):F0} max {w[^1]:F0}";
                })));
            Console.WriteLine($"event -> webhook received:   p50 {IngestBench.P(latencies, 0.50):F1} ms, p95 {IngestBench.P(latencies, 0.95):F1} ms, p99 {IngestBench.P(latencies, 0.99):F1} ms, max {latencies.LastOrDefault():F1} ms");
            return arrivals.Count == sent.Count && failures == 0 ? 0 : 1;
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }

    private static string Journey(Uri hook) => $$"""
        id: bench
        title: Event-to-action bench
        stages:
          - { id: browse, name: Browse, entry: Page Viewed }
          - { id: ping, name: Ping, entry: Bench Ping }
        interventions:
          - id: {{Rule}}
            name: Webhook on every Bench Ping
            stage: ping
            when: { event: Bench Ping }
            then: { channel: webhook, url: "{{hook}}" }
        """;

    /// <summary>
    /// Posts <paramref name="rate"/> events a second for <paramref name="seconds"/>: every 10 ms the events that fell
    /// due, each its own request, not waiting for answers before the next tick (a client that waited would slow
    /// the rate down to the server's pace and hide queueing).
    /// </summary>
    private static async Task DriveAsync(HttpClient http, int rate, int seconds, string tag, ConcurrentDictionary<string, long> sent, Action failed)
    {
        var total = (long)rate * seconds;
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        long n = 0;
        while (n < total)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; n < due; n++)
            {
                var customer = $"{tag}-{n}";
                var at = TimeProvider.System.GetUtcNow();
                var body = $$$"""{"userId":"{{{customer}}}","event":"Bench Ping","messageId":"{{{customer}}}","timestamp":"{{{at.ToString("O", Inv)}}}","properties":{"n":{{{n}}}}}""";
                sent[customer] = Stopwatch.GetTimestamp();
                inFlight.Add(PostAsync(http, body, failed));
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            await Task.Delay(10);
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task PostAsync(HttpClient http, string body, Action failed)
    {
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/v1/track", content);
            if (!response.IsSuccessStatusCode)
            {
                failed();
            }
        }
        catch (HttpRequestException)
        {
            failed();
        }
    }

    private sealed record Arrival(double SentSeconds, double LatencyMs);

    /// <summary>The measured events whose webhook arrived, by the customer id inside the message's key.</summary>
    private static List<Arrival> Received(WebhookSink sink, ConcurrentDictionary<string, long> sent)
    {
        var first = sent.Values.DefaultIfEmpty(0).Min();
        var result = new List<Arrival>();
        foreach (var (key, arrival) in sink.Arrivals)
        {
            var parts = key.Split(':');
            if (parts.Length >= 3 && sent.TryGetValue(parts[1], out var at))
            {
                result.Add(new Arrival(Stopwatch.GetElapsedTime(first, at).TotalSeconds, Stopwatch.GetElapsedTime(at, arrival.Timestamp).TotalMilliseconds));
            }
        }

        return result;
    }

    /// <summary>
    /// Customers h-0.. with 3 to 9 older events each (a sign-up page view and browsing over the last 60 days), none
    /// of them a Bench Ping: what a pass reads but never acts on. Imported through the product's importer.
    /// </summary>
    private static long ImportHistory(string db, string dir, int customers)
    {
        var csv = Path.Combine(dir, "history.csv");
        var random = new Random(42);
        var start = TimeProvider.System.GetUtcNow().AddDays(-60);
        long events = 0;
        using (var writer = new StreamWriter(csv))
        {
            writer.WriteLine("user_id,event,timestamp");
            for (var c = 0; c < customers; c++)
            {
                var t = start.AddMinutes(random.Next(60 * 24 * 50));
                var count = random.Next(3, 10);
                for (var e = 0; e < count; e++)
                {
                    writer.WriteLine(string.Create(Inv, $"h-{c},{(e == 0 ? "Signed Up" : "Page Viewed")},{t:yyyy-MM-ddTHH:mm:ss.ffffffZ}"));
                    t = t.AddMinutes(random.Next(10, 60 * 24));
                    events++;
                }
            }
        }

        using var store = EventStore.Open(db);
        EventImporter.Import(store, [csv]);
        File.Delete(csv);
        return events;
    }
}
