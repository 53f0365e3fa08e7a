using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Trailmap.Events;
using Trailmap.Testing;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.State;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// Ten seconds of batches from eight clients against the workspace on Kestrel over loopback, with the spool's
/// fsync on. It reports the rate and latency (test output and artifacts/test/ingest-load.txt) but asserts only
/// correctness: every acknowledged event is in the store exactly once. Timing depends on the machine.
/// </summary>
public sealed class IngestLoadTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ten_seconds_of_concurrent_batches_land_every_acknowledged_event_once()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-load-").FullName;
        var db = Path.Combine(dir, "w.duckdb");
        try
        {
            string writeKey;
            using (var workspace = new WorkspaceDb(db))
            {
                writeKey = new ApiKeyStore(workspace, TimeProvider.System).Create("load test", ApiKeyKind.Ingest).Secret;
            }

            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            var url = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
            var acknowledged = new ConcurrentBag<string>();
            var latencies = new ConcurrentBag<double>();
            var failures = 0;
            var elapsed = TimeSpan.Zero;
            // The per-key rate limit (1,000 requests a second) is not what this measures: on an idle machine the 8
            // clients exceed it and get 429s, which the rate-limit tests cover.
            var app = WorkspaceServer.Build(new WorkspaceOptions { DbPath = db, IngestRequestsPerSecond = 1_000_000 }, [url]);
            await using (app)
            {
                await app.StartAsync(Cancel);
                var clock = Stopwatch.StartNew();
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { BaseAddress = new Uri(url) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
                await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
                {
                    for (var n = 0; clock.Elapsed < Duration && n < 100_000; n++)
                    {
                        var ids = Enumerable.Range(0, 100).Select(i => $"w{worker}-{n}-{i}").ToArray();
                        var body = new StringBuilder("{\"batch\":[");
                        for (var i = 0; i < ids.Length; i++)
                        {
                            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                                $$$"""{"type":"track","userId":"u{{{(n * 100 + i) % 5000}}}","event":"Step {{{i % 10}}}","messageId":"{{{ids[i]}}}","timestamp":"2024-05-01T10:00:00.000Z","properties":{"plan":"team","n":{{{i}}}}}""");
                        }

                        body.Append("]}");
                        var started = Stopwatch.GetTimestamp();
                        using var response = await http.PostAsync("/v1/batch", new StringContent(body.ToString(), Encoding.UTF8, "application/json"), Cancel);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                            foreach (var id in ids)
                            {
                                acknowledged.Add(id);
                            }
                        }
                        else
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                }, Cancel)));
                elapsed = clock.Elapsed;

                // A clean stop imports whatever the pump had not taken yet.
                await app.StopAsync(Cancel);
            }

            var sorted = latencies.Order().ToArray();
            var report = string.Create(CultureInfo.InvariantCulture,
                $"ingestion load test (in-process Kestrel on loopback, 8 clients, batches of 100, fsync on): {acknowledged.Count:N0} events acknowledged in {elapsed.TotalSeconds:F1} s = {acknowledged.Count / elapsed.TotalSeconds:N0} events/s; request latency p50 {Percentile(sorted, 0.50):F1} ms, p99 {Percentile(sorted, 0.99):F1} ms; {failures} non-200 answers");
            TestContext.Current.TestOutputHelper?.WriteLine(report);
            await File.WriteAllTextAsync(Path.Combine(RepoPaths.Artifacts, "ingest-load.txt"), report + "\n", Cancel);

            Dictionary<string, int> stored;
            using (var store = EventStore.Open(db))
            {
                stored = store.ReadSorted(null, null, null).GroupBy(e => e.MessageId).ToDictionary(g => g.Key, g => g.Count());
            }

            failures.ShouldBe(0);
            acknowledged.Count.ShouldBeGreaterThan(0);
            stored.Count.ShouldBe(acknowledged.Count);
            acknowledged.Where(id => !stored.ContainsKey(id)).ShouldBeEmpty();
            stored.Values.ShouldAllBe(count => count == 1);
            Directory.GetFiles(db + ".ingest", "*.jsonl").ShouldBeEmpty();
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
