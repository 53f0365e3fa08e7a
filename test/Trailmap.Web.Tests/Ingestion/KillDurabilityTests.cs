using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Trailmap.Events;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.State;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// What a 200 promises: the events survive a kill -9 of the server right after the answer, and land exactly once
/// after a restart, even when the server is killed in the middle of sending, importing or both.
/// </summary>
public sealed class KillDurabilityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_acknowledged_event_is_in_the_store_exactly_once_after_kill_9_and_restart()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-kill-").FullName;
        var db = Path.Combine(dir, "w.duckdb");
        try
        {
            string writeKey;
            using (var workspace = new WorkspaceDb(db))
            {
                writeKey = new ApiKeyStore(workspace, TimeProvider.System).Create("kill test", ApiKeyKind.Ingest).Secret;
            }

            var acknowledged = new ConcurrentDictionary<string, bool>();
            var sent = new ConcurrentDictionary<string, bool>();

            // Two rounds: each sends from four clients at once and is killed right after the Nth acknowledged batch.
            for (var round = 0; round < 2; round++)
            {
                await using var serve = await ServeProcess.StartAsync(db, Cancel);
                await SendUntilKilledAsync(serve, writeKey, round, acknowledged, sent);
                TestContext.Current.TestOutputHelper?.WriteLine($"round {round}: killed after {acknowledged.Count} acknowledged events, {sent.Count} sent");
            }

            // A clean start imports what the kills left in the spool; a clean stop (SIGTERM) empties it.
            await using (var serve = await ServeProcess.StartAsync(db, Cancel))
            {
                await serve.StopAsync(Cancel);
            }

            Directory.GetFiles(db + ".ingest", "*.jsonl").ShouldBeEmpty();
            Dictionary<string, int> stored;
            using (var store = EventStore.Open(db))
            {
                stored = store.ReadSorted(null, null, null).GroupBy(e => e.MessageId).ToDictionary(g => g.Key, g => g.Count());
            }

            acknowledged.Count.ShouldBeGreaterThan(0);
            acknowledged.Keys.Where(id => !stored.ContainsKey(id)).ShouldBeEmpty("acknowledged events missing after kill -9");
            stored.Where(kv => kv.Value != 1).Select(kv => kv.Key).ShouldBeEmpty("events stored more than once");

            // Events of batches that were in flight at the kill may or may not have landed, but nothing else can be there.
            stored.Keys.Where(id => !sent.ContainsKey(id)).ShouldBeEmpty();
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

    private static async Task SendUntilKilledAsync(
        ServeProcess serve, string writeKey, int round, ConcurrentDictionary<string, bool> acknowledged, ConcurrentDictionary<string, bool> sent)
    {
        const int KillAfterBatches = 40;
        var batches = 0;
        var killed = 0;
        using var stop = new CancellationTokenSource();
        async Task Client(int worker)
        {
            using var client = serve.Client(writeKey);
            for (var n = 0; n < 1000 && !stop.IsCancellationRequested; n++)
            {
                var ids = Enumerable.Range(0, 50).Select(i => $"r{round}-w{worker}-b{n}-{i}").ToList();
                var body = new StringBuilder("{\"batch\": [");
                for (var i = 0; i < ids.Count; i++)
                {
                    body.Append(i == 0 ? "" : ",")
                        .Append($$$"""{"type": "track", "userId": "c{{{worker}}}-{{{i % 7}}}", "event": "E{{{i % 3}}}", "messageId": "{{{ids[i]}}}", "properties": {"n": {{{n}}}}}""");
                }

                body.Append("]}");
                foreach (var id in ids)
                {
                    sent[id] = true;
                }

                HttpResponseMessage response;
                try
                {
                    response = await client.PostAsync("/v1/batch", new StringContent(body.ToString(), Encoding.UTF8, "application/json"), CancellationToken.None);
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone: this batch was not acknowledged
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"batch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }

                foreach (var id in ids)
                {
                    acknowledged[id] = true;
                }

                if (Interlocked.Increment(ref batches) == KillAfterBatches + (round * 15) && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    // Right after the 200, before anything else: the spool alone must hold these events.
                    await serve.KillAsync();
                    await stop.CancelAsync();
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() => Client(w))));
        killed.ShouldBe(1, "the server was never killed: fewer batches were acknowledged than planned");
    }
}
