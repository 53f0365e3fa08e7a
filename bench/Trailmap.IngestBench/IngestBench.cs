using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Trailmap.Events;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.State;

namespace Trailmap.IngestBench;

/// <summary>
/// Ingestion throughput and latency of a real <c>trailmap serve</c> (a child process, fsync on) through /v1/batch
/// over loopback: a warm-up, a measured window of concurrent clients, then how long the pump takes to make
/// everything visible, the idle pump latency, and a check that every acknowledged event landed exactly once.
/// </summary>
internal static class IngestBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--micro"))
        {
            return Micro.Run(args);
        }

        if (args.Contains("--action"))
        {
            return await ActionBench.RunAsync(args);
        }

        var seconds = Arg(args, "--seconds", 15);
        var clients = Arg(args, "--clients", 16);
        var batch = Arg(args, "--batch", 100);
        var warmup = Arg(args, "--warmup", 3);
        var dir = args.SkipWhile(a => a != "--dir").Skip(1).FirstOrDefault() ?? Path.Combine(Path.GetTempPath(), "trailmap-ingest-bench");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "bench.duckdb");
        string writeKey, readKey;
        using (var workspace = new WorkspaceDb(db))
        {
            var keys = new ApiKeyStore(workspace, TimeProvider.System);
            writeKey = keys.Create("bench", ApiKeyKind.Ingest).Secret;
            readKey = keys.Create("bench status", ApiKeyKind.Read).Secret;
        }

        var loadBefore = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
        var url = "http://127.0.0.1:" + FreePort().ToString(Inv);
        using var server = StartServer(db, url);
        try
        {
            using var status = new HttpClient { BaseAddress = new Uri(url) };
            status.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", readKey);
            await WaitReadyAsync(status, server);

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = new Uri(url),
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));

            Console.WriteLine($"trailmap serve (pid {server.Id}) at {url}; {clients} clients, batches of {batch}, warm-up {warmup} s, measured {seconds} s");
            var serverCpuStart = CpuSeconds(server);
            await RunAsync(http, clients, batch, TimeSpan.FromSeconds(warmup), "w");
            var serverCpu0 = CpuSeconds(server);
            var clientCpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var run = await RunAsync(http, clients, batch, TimeSpan.FromSeconds(seconds), "m");
            var lastAck = Stopwatch.StartNew();
            var serverCpu = CpuSeconds(server) - serverCpu0;
            var threads = ThreadCpu(server);
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - clientCpu0;

            // Drain: until the pump imported everything acknowledged (warm-up included).
            while (true)
            {
                var s = JsonNode.Parse(await status.GetStringAsync("/v1/status"))!;
                var imported = s["importedEvents"]!.GetValue<long>() + s["duplicates"]!.GetValue<long>();
                if (s["queuedSegments"]!.GetValue<int>() == 0 && imported >= s["acceptedMessages"]!.GetValue<long>())
                {
                    break;
                }

                if (lastAck.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new TimeoutException("the pump did not catch up within 10 minutes: " + s.ToJsonString());
                }

                await Task.Delay(20);
            }

            var drain = lastAck.Elapsed;
            var serverCpuDrained = CpuSeconds(server) - serverCpuStart;
            var loadAfter = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();

            // Idle pump latency: one event, acknowledged, until the store has it.
            var visible = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var before = JsonNode.Parse(await status.GetStringAsync("/v1/status"))!["importedEvents"]!.GetValue<long>();
                using var one = await http.PostAsync("/v1/track", Json($$"""{"userId":"idle","event":"Ping","messageId":"idle-{{i}}"}"""));
                one.EnsureSuccessStatusCode();
                var watch = Stopwatch.StartNew();
                while (JsonNode.Parse(await status.GetStringAsync("/v1/status"))!["importedEvents"]!.GetValue<long>() == before)
                {
                    await Task.Delay(5);
                }

                visible.Add(watch.Elapsed.TotalMilliseconds);
                await Task.Delay(300);
            }

            var final = JsonNode.Parse(await status.GetStringAsync("/v1/status"))!;
            var fsyncs = final["fsyncs"]!.GetValue<long>();
            var fsyncMs = final["meanFsyncMilliseconds"]!.GetValue<double>();
            await StopAsync(server);

            // Every acknowledged id exactly once (the bench only counts ids of 200 answers).
            long stored, distinct;
            using (var store = EventStore.Open(db))
            {
                stored = store.Summary().Events;
                distinct = store.ReadSorted(null, null, null).Select(e => e.MessageId).Distinct().LongCount();
            }

            var expected = run.Acknowledged + run.WarmupAcknowledged + 5;
            var lat = run.Latencies.Order().ToArray();
            Console.WriteLine();
            Console.WriteLine($"events/s through /v1/batch:   {run.Events / run.Seconds:N0}  ({run.Events:N0} events in {run.Seconds:F1} s, {run.Requests:N0} requests, {run.Failures} non-200)");
            Console.WriteLine($"request latency (ms):         p50 {P(lat, 0.50):F1}  p90 {P(lat, 0.90):F1}  p99 {P(lat, 0.99):F1}  max {lat.LastOrDefault():F1}");
            Console.WriteLine($"CPU in the window:            server {serverCpu:F1} s, bench client {clientCpu:F1} s (of {2 * run.Seconds:F0} core-seconds on 2 cores)");
            // From the warm-up's start until the pump imported everything, over every event sent in that time: the
            // sustainable cost (HTTP, spool and import), though it includes the warm-up's JIT compilation.
            var perEvent = serverCpuDrained / (run.Events + run.WarmupAcknowledged) * 1e6;
            var clientPerEvent = clientCpu / run.Events * 1e6;
            Console.WriteLine($"CPU per event:                server {serverCpu / run.Events * 1e6:F1} µs in the window, {perEvent:F1} µs from warm-up to drained (HTTP + spool + import); bench client {clientPerEvent:F1} µs");
            Console.WriteLine($"2 idle cores, extrapolated:   {2e6 / (perEvent + clientPerEvent):N0} events/s with this client on the same cores, {2e6 / perEvent:N0} events/s with the client elsewhere (CPU-bound estimate, pump keeping up)");
            Console.WriteLine($"load average:                 before {loadBefore}; after {loadAfter}");
            Console.WriteLine($"server CPU by thread kind:    {threads} (whole run so far)");
            Console.WriteLine($"group commit:                 {fsyncs:N0} fsyncs for the whole run for {allRequests:N0} requests ({allRequests / (double)Math.Max(1, fsyncs):F1} requests each), {fsyncMs:F1} ms per write+fsync");
            Console.WriteLine($"pump drain after last ack:    {drain.TotalSeconds:F2} s until every acknowledged event was in the store");
            Console.WriteLine($"idle pump latency (ms):       {string.Join(", ", visible.Select(v => v.ToString("F0", Inv)))} (200 answered -> visible in the store)");
            Console.WriteLine($"store check:                  {stored:N0} events, {distinct:N0} distinct ids, {expected:N0} expected -> {(stored == expected && distinct == expected ? "OK" : "MISMATCH")}");
            return stored == expected && distinct == expected && run.Failures == 0 ? 0 : 1;
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }

    private sealed record Run(long Events, long Acknowledged, long WarmupAcknowledged, long Requests, int Failures, double Seconds, List<double> Latencies);

    private static long warmupAcknowledged;
    private static long allRequests = 5; // the idle-latency pings

    private static async Task<Run> RunAsync(HttpClient http, int clients, int batch, TimeSpan duration, string tag)
    {
        var latencies = new List<double>();
        long events = 0, requests = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(worker => Task.Run(async () =>
        {
            var mine = new List<double>();
            var bodies = new Bodies(tag, worker, batch);
            for (var n = 0; clock.Elapsed < duration; n++)
            {
                using var content = bodies.For(n);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/v1/batch", content);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    mine.Add(ms);
                    Interlocked.Add(ref events, batch);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                    if (failures < 5)
                    {
                        await Console.Error.WriteLineAsync($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }

                Interlocked.Increment(ref requests);
                Interlocked.Increment(ref allRequests);
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        }))).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        if (tag == "w")
        {
            warmupAcknowledged = events;
        }

        return new Run(events, events, warmupAcknowledged, requests, failures, seconds, latencies);
    }

    /// <summary>A batch shaped like analytics-node's: track calls with context, ids, timestamps and a few properties (~400 bytes each).</summary>
    internal static string Batch(string tag, int worker, int n, int size, Random random, string? idPrefix = null)
    {
        var text = new StringBuilder(size * 420).Append("{\"batch\":[");
        var now = DateTimeOffset.UnixEpoch.AddSeconds(1_714_557_600 + n);
        for (var i = 0; i < size; i++)
        {
            var user = random.Next(50_000);
            text.Append(i == 0 ? "" : ",").Append(Inv, $$$"""
                {"type":"track","event":"{{{Events[random.Next(Events.Length)]}}}","userId":"user-{{{user}}}","anonymousId":"anon-{{{user}}}","messageId":"{{{idPrefix ?? $"{tag}-{worker}-{n}-"}}}{{{i}}}","timestamp":"{{{now.AddMilliseconds(i):O}}}","properties":{"plan":"team","seats":{{{random.Next(1, 50)}}},"path":"/app/projects/{{{random.Next(1000)}}}","revenue":{{{random.Next(0, 10_000) / 100.0}}}},"context":{"library":{"name":"analytics-node","version":"2.1.0"},"ip":"203.0.113.7"}}
                """);
        }

        return text.Append("]}").ToString();
    }

    /// <summary>
    /// A worker's request bodies, made once: a few batches whose message ids carry a 9-digit request number that
    /// is written in place for each request. Formatting 500 messages per request cost the client more CPU than
    /// the server spent on them, on the same two cores; now the client costs little beyond HttpClient itself.
    /// A body is reused only after its previous request was answered (each worker sends one at a time).
    /// </summary>
    private sealed class Bodies
    {
        private const int Variants = 8;
        private const string Slot = "#########";
        private readonly byte[][] templates = new byte[Variants][];
        private readonly int[][] slots = new int[Variants][];

        public Bodies(string tag, int worker, int batch)
        {
            for (var v = 0; v < Variants; v++)
            {
                templates[v] = Encoding.UTF8.GetBytes(Batch(tag, worker, v, batch, new Random(worker * 31 + v), $"{tag}-{worker}-{Slot}-"));
                var found = new List<int>();
                var slot = Encoding.ASCII.GetBytes(Slot);
                for (var at = templates[v].AsSpan().IndexOf(slot); at >= 0;)
                {
                    found.Add(at);
                    var next = templates[v].AsSpan(at + slot.Length).IndexOf(slot);
                    at = next < 0 ? -1 : at + slot.Length + next;
                }

                slots[v] = [.. found];
            }
        }

        public ByteArrayContent For(int n)
        {
            var v = n % Variants;
            Span<byte> digits = stackalloc byte[Slot.Length];
            n.TryFormat(digits, out _, "D9", Inv);
            foreach (var at in slots[v])
            {
                digits.CopyTo(templates[v].AsSpan(at));
            }

            var content = new ByteArrayContent(templates[v]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return content;
        }
    }

    private static readonly string[] Events = ["Page Viewed", "Signed Up", "Project Created", "Task Created", "Teammate Invited", "Subscription Started"];

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    internal static Process StartServer(string db, string url, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "trailmap.dll"), "serve", "--db", db, "--urls", url }.Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    internal static async Task WaitReadyAsync(HttpClient status, Process server)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException("trailmap serve exited with " + server.ExitCode);
            }

            try
            {
                if ((await status.GetAsync("/v1/status")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("trailmap serve did not answer within 90 s");
    }

    internal static async Task StopAsync(Process server)
    {
        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(Inv)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await server.WaitForExitAsync(timeout.Token);
    }

    /// <summary>User plus system CPU time of a process from /proc (clock ticks of 1/100 s on Linux).</summary>
    internal static double CpuSeconds(Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], Inv) + long.Parse(fields[12], Inv)) / 100.0;
    }

    /// <summary>CPU seconds per thread name (".NET TP Worker", DuckDB's native threads show as the process name).</summary>
    internal static string ThreadCpu(Process process)
    {
        var totals = new Dictionary<string, double>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{process.Id}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var cpu = (long.Parse(fields[11], Inv) + long.Parse(fields[12], Inv)) / 100.0;
                totals[name] = totals.GetValueOrDefault(name) + cpu;
            }
            catch (IOException)
            {
            }
        }

        return string.Join(", ", totals.Where(t => t.Value >= 0.05).OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value:F1} s"));
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static int Arg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], Inv) : fallback;
    }

    internal static double P(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
