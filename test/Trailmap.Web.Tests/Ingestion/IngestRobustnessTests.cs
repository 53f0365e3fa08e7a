using System.Net;
using System.Text.Json.Nodes;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Ingestion;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>The cached key lookup, the per-second limit's answer, and a spool segment the importer cannot take.</summary>
public sealed class IngestRobustnessTests
{
    private const string Track = """{"userId": "u1", "event": "A"}""";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_revoked_write_key_fails_on_its_very_next_request_although_lookups_are_cached()
    {
        using var factory = new WorkspaceFactory();
        var keys = factory.Service<ApiKeyStore>();
        var (key, secret) = keys.Create("website", ApiKeyKind.Ingest);
        var client = factory.Anonymous();
        client.DefaultRequestHeaders.Authorization = Basic(secret);

        // Twice: the first request reads the key from the database, the second from the cache.
        (await PostAsync(client, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(client, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        keys.Revoke(key.Id).ShouldBeTrue();
        (await PostAsync(client, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // A key created after a failed lookup works at once (unknown keys are not cached).
        var stranger = factory.Anonymous();
        stranger.DefaultRequestHeaders.Authorization = Basic(secret + "x");
        (await PostAsync(stranger, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var (_, second) = keys.Create("backend", ApiKeyKind.Ingest);
        var fresh = factory.Anonymous();
        fresh.DefaultRequestHeaders.Authorization = Basic(second);
        (await PostAsync(fresh, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Over_the_per_second_limit_the_answer_says_to_retry_in_one_second()
    {
        // 2 requests a second per key: the token bucket holds 2 and refills 2 every second, so when it is empty
        // the next permit is one refill away: Retry-After 1 (not the sign-in limit's minute).
        using var factory = new WorkspaceFactory(o => o with { IngestRequestsPerSecond = 2 });
        var client = Segment(factory);
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await PostAsync(client, "/v1/track", Track, Cancel);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        limited.ShouldNotBeNull("20 back-to-back requests at a limit of 2 a second never got a 429");
        limited.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        (await limited.Content.ReadAsStringAsync(Cancel)).ShouldBe("Too many requests; try again in 1 second.");
    }

    [Fact]
    public async Task A_segment_the_importer_always_refuses_is_quarantined_and_the_others_keep_flowing()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-quarantine-").FullName;
        try
        {
            var db = Path.Combine(dir, "w.duckdb");
            var spool = Directory.CreateDirectory(db + ".ingest").FullName;

            // 7: zeroed blocks, as a disk can leave them after a power loss; the importer refuses binary data.
            // 8: a good segment after it, which must not wait for 7.
            await File.WriteAllBytesAsync(Path.Combine(spool, "000000000007.jsonl"), [0, 0, 0, 0, (byte)'\n'], Cancel);
            await File.WriteAllTextAsync(Path.Combine(spool, "000000000008.jsonl"),
                """{"type":"track","messageId":"m8","userId":"u1","timestamp":"2024-05-01T10:00:00.000000Z","event":"After"}""" + "\n", Cancel);

            using var factory = new WorkspaceFactory(o => o with { DbPath = db });
            var pump = factory.Service<IngestPump>(); // starts the host, and with it the pump's first round
            var waited = System.Diagnostics.Stopwatch.StartNew();

            // The good segment lands in the first round, while 7 still fails.
            while ((await EventsAsync(factory, Cancel)).Count == 0)
            {
                waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "segment 8 was held back by the bad segment 7");
                await Task.Delay(50, Cancel);
            }

            // New requests keep flowing too, before 7 is given up on.
            (await PostAsync(Segment(factory), "/v1/track", """{"userId": "u2", "event": "New", "messageId": "m-new"}""", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

            // After QuarantineAfter (3) failed rounds, 1 s and 2 s apart, 7 is moved aside and reported.
            var viewer = await factory.SignedInAsync(Trailmap.Web.Accounts.Role.Viewer, Cancel);
            JsonArray quarantined;
            while (true)
            {
                var status = await JsonAsync(await viewer.GetAsync("/v1/status", Cancel), Cancel);
                quarantined = status["quarantined"]!.AsArray();
                if (quarantined.Count > 0)
                {
                    break;
                }

                waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), "segment 7 was never quarantined: " + status.ToJsonString());
                await Task.Delay(100, Cancel);
            }

            var entry = quarantined.Single()!;
            var moved = Path.Combine(spool, "quarantine", "000000000007.jsonl");
            entry["file"]!.GetValue<string>().ShouldBe(moved);
            entry["bytes"]!.GetValue<long>().ShouldBe(5);
            entry["reason"]!.GetValue<string>().ShouldContain("binary data");
            File.Exists(moved).ShouldBeTrue();
            File.Exists(Path.Combine(spool, "000000000007.jsonl")).ShouldBeFalse();

            await pump.FlushAsync(Cancel); // nothing left that fails
            (await EventsAsync(factory, Cancel)).Select(e => e.MessageId).Order(StringComparer.Ordinal).ShouldBe(["m-new", "m8"]);
            var after = await JsonAsync(await viewer.GetAsync("/v1/status", Cancel), Cancel);
            after["queuedSegments"]!.GetValue<int>().ShouldBe(0);
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
}
