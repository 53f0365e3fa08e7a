using System.Net;
using Microsoft.Extensions.Time.Testing;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Ingestion;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Ingestion;

public sealed class IngestApiTests
{
    /// <summary>The server's clock in these tests: every message is "received" at this instant.</summary>
    private static readonly DateTimeOffset ReceivedAt = new(2024, 5, 1, 12, 0, 40, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static WorkspaceFactory AtReceivedAt() => new(o => o with { Time = new FakeTimeProvider(ReceivedAt) });

    [Fact]
    public async Task Every_message_type_lands_with_its_customer_event_time_and_properties()
    {
        using var factory = AtReceivedAt();
        var client = Segment(factory);
        string[] calls =
        [
            """/v1/track {"userId": "u1", "event": "Signed Up", "timestamp": "2024-05-01T10:00:00Z", "messageId": "m-track", "properties": {"plan": "team", "seats": 3}}""",
            """/v1/page {"anonymousId": "a1", "name": "Pricing", "category": "Docs", "timestamp": "2024-05-01T10:01:00+02:00", "properties": {"path": "/pricing"}}""",
            """/v1/screen {"userId": "u1"}""",
            """/v1/identify {"userId": "u1", "traits": {"email": "u1@example.test", "plan": "free"}}""",
            """/v1/identify {"userId": "u1", "traits": {"plan": "team"}}""",
            """/v1/group {"userId": "u1", "groupId": "g1", "traits": {"name": "Acme"}}""",
            """/v1/alias {"userId": "u1", "previousId": "a1"}""",
            """/v1/track {"userId": "u2", "event": "Clicked", "timestamp": "2024-05-01T12:00:00Z", "sentAt": "2024-05-01T12:00:10Z"}""",
        ];
        foreach (var call in calls)
        {
            var space = call.IndexOf(' ', StringComparison.Ordinal);
            var response = await PostAsync(client, call[..space], call[(space + 1)..], Cancel);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, call);
            (await response.Content.ReadAsStringAsync(Cancel)).ShouldBeJson("""{"success": true}""");
        }

        await FlushAsync(factory, Cancel);
        var events = (await EventsAsync(factory, Cancel)).OrderBy(e => e.CustomerId, StringComparer.Ordinal).ThenBy(e => e.Timestamp).ToList();
        events.Select(e => (e.CustomerId, e.Event, e.Timestamp.ToString("O"))).ShouldBe(
        [
            // 10:01 at +02:00 is 08:01 UTC; a page with a name is "Viewed NAME Page", as Segment's destinations name it.
            // The alias made a1 one person with u1, so the page view is u1's.
            ("u1", "Viewed Pricing Page", "2024-05-01T08:01:00.0000000Z"),
            ("u1", "Signed Up", "2024-05-01T10:00:00.0000000Z"),

            // No timestamp: the time the server received it.
            ("u1", "Loaded a Screen", "2024-05-01T12:00:40.0000000Z"),

            // Clock skew: sent 10 s after it happened by the device's clock, received at 12:00:40, so it happened at 12:00:30.
            ("u2", "Clicked", "2024-05-01T12:00:30.0000000Z"),
        ]);
        events[0].Properties.ShouldBeJson("""{"path": "/pricing", "name": "Pricing", "category": "Docs"}""");
        events[1].Properties.ShouldBeJson("""{"plan": "team", "seats": 3}""");
        events[1].MessageId.ShouldBe("m-track");
        events[2].Properties.ShouldBeJson("{}");

        // A message without a messageId gets one from the server.
        events[3].MessageId.ShouldStartWith("tm-");

        var traits = await TraitsAsync(factory, Cancel);
        traits.Keys.ShouldBe(["u1"]);

        // The second identify overrides plan and keeps email; group goes under "group"; alias merges ids, not traits.
        traits["u1"].ToJsonString().ShouldBeJson("""
            {"email": "u1@example.test", "plan": "team", "group": {"name": "Acme", "groupId": "g1"}}
            """);
        (await factory.Service<EventData>().UseAsync(s => s.IdsOf("u1"), Cancel)).ShouldBe(["u1", "a1"]);
    }

    [Fact]
    public async Task A_batch_keeps_its_good_messages_and_names_the_bad_ones_by_index()
    {
        using var factory = AtReceivedAt();
        var client = Segment(factory);
        var big = new string('x', 33_000);
        var response = await PostAsync(client, "/v1/batch", $$$"""
            {"batch": [
              {"type": "track", "userId": "u1", "event": "Signed Up", "timestamp": "2024-05-01T10:00:00Z"},
              {"type": "track", "event": "Signed Up"},
              {"type": "track", "userId": "u1"},
              {"type": "track", "userId": "u1", "event": "Signed Up", "timestamp": "yesterday"},
              {"type": "launch", "userId": "u1"},
              {"type": "track", "userId": "u1", "event": "Big", "properties": {"blob": "{{{big}}}"}},
              {"type": "identify", "userId": "u1", "traits": {"plan": "team"}},
              42
            ]}
            """, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await JsonAsync(response, Cancel);
        body["success"]!.GetValue<bool>().ShouldBeTrue();
        body["accepted"]!.GetValue<int>().ShouldBe(2);
        var rejected = body["rejected"]!.AsArray().Select(r => (r!["index"]!.GetValue<int>(), r["reason"]!.GetValue<string>())).ToList();
        rejected.Select(r => r.Item1).ShouldBe([1, 2, 3, 4, 5, 7]);
        rejected[0].Item2.ShouldBe("batch[1] has neither a \"userId\" nor an \"anonymousId\"; every message needs one of them to know whose it is");
        rejected[1].Item2.ShouldContain("without an \"event\" name");
        rejected[2].Item2.ShouldContain("\"timestamp\" \"yesterday\", which is not an ISO 8601 date-time");
        rejected[3].Item2.ShouldContain("unknown type \"launch\"");
        rejected[4].Item2.ShouldContain("at most 32 KB");
        rejected[5].Item2.ShouldContain("is not a JSON object");

        await FlushAsync(factory, Cancel);
        (await EventsAsync(factory, Cancel)).Select(e => (e.CustomerId, e.Event)).ShouldBe([("u1", "Signed Up")]);
        (await TraitsAsync(factory, Cancel))["u1"].ToJsonString().ShouldBeJson("""{"plan": "team"}""");
    }

    [Fact]
    public async Task Oversized_requests_bad_json_and_all_bad_batches_get_a_4xx_with_a_json_message_and_store_nothing()
    {
        using var factory = AtReceivedAt();
        var client = Segment(factory);

        // 32 KB is the limit for one call's body.
        var single = await PostAsync(client, "/v1/track", $$$"""{"userId": "u1", "event": "Big", "properties": {"blob": "{{{new string('x', 33_000)}}}"}}""", Cancel);
        single.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var singleBody = await JsonAsync(single, Cancel);
        singleBody["success"]!.GetValue<bool>().ShouldBeFalse();
        singleBody["error"]!.GetValue<string>().ShouldContain("at most 32 KB (32,768 bytes)");

        // 500 KB for a batch: 20 messages of ~26 KB each is ~520 KB, each under the per-message limit.
        var item = $$$"""{"type": "track", "userId": "u1", "event": "E", "properties": {"blob": "{{{new string('y', 26_000)}}}"}}""";
        var batch = await PostAsync(client, "/v1/batch", "{\"batch\": [" + string.Join(",", Enumerable.Repeat(item, 20)) + "]}", Cancel);
        batch.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await JsonAsync(batch, Cancel))["error"]!.GetValue<string>().ShouldContain("at most 500 KB (512,000 bytes)");

        var broken = await PostAsync(client, "/v1/track", "{\"userId\": \"u1\",\n \"event\": }", Cancel);
        broken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(broken, Cancel))["error"]!.GetValue<string>().ShouldStartWith("The body is not valid JSON at line 2, column 11.");

        var noEvent = await PostAsync(client, "/v1/track", """{"userId": "u1"}""", Cancel);
        noEvent.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(noEvent, Cancel))["error"]!.GetValue<string>().ShouldBe("The message is a track call without an \"event\" name (a non-empty string such as \"Signed Up\").");

        var allBad = await PostAsync(client, "/v1/batch", """{"batch": [{"type": "track", "userId": "u1"}]}""", Cancel);
        allBad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var allBadBody = await JsonAsync(allBad, Cancel);
        allBadBody["success"]!.GetValue<bool>().ShouldBeFalse();
        allBadBody["accepted"]!.GetValue<int>().ShouldBe(0);
        allBadBody["rejected"]!.AsArray().Count.ShouldBe(1);

        var notBatch = await PostAsync(client, "/v1/batch", """[{"type": "track"}]""", Cancel);
        notBatch.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(notBatch, Cancel))["error"]!.GetValue<string>().ShouldContain("\"batch\" array");

        await FlushAsync(factory, Cancel);
        (await EventsAsync(factory, Cancel)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_gzip_compressed_batch_is_accepted_and_other_encodings_are_refused()
    {
        using var factory = AtReceivedAt();
        var client = Segment(factory);
        var json = System.Text.Encoding.UTF8.GetBytes("""{"batch": [{"type": "track", "userId": "u1", "event": "Zipped", "timestamp": "2024-05-01T10:00:00Z"}]}""");
        var zipped = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(zipped, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(json, Cancel);
        }

        var content = new ByteArrayContent(zipped.ToArray());
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        (await client.PostAsync("/v1/batch", content, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var brotli = new ByteArrayContent(json);
        brotli.Headers.ContentEncoding.Add("br");
        var refused = await client.PostAsync("/v1/batch", brotli, Cancel);
        refused.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await JsonAsync(refused, Cancel))["error"]!.GetValue<string>().ShouldContain("plain or gzip-compressed");

        await FlushAsync(factory, Cancel);
        (await EventsAsync(factory, Cancel)).Select(e => e.Event).ShouldBe(["Zipped"]);
    }

    [Fact]
    public async Task A_resent_batch_does_not_double_count_but_messages_without_ids_cannot_be_deduplicated()
    {
        using var factory = AtReceivedAt();
        var client = Segment(factory);
        const string Batch = """
            {"batch": [
              {"type": "track", "userId": "u1", "event": "A", "messageId": "m1", "timestamp": "2024-05-01T10:00:00Z"},
              {"type": "track", "userId": "u1", "event": "B", "messageId": "m2", "timestamp": "2024-05-01T10:01:00Z"},
              {"type": "track", "userId": "u1", "event": "B", "messageId": "m2", "timestamp": "2024-05-01T10:01:00Z"}
            ]}
            """;

        // Once before the pump ran (deduplicated within the import) and once after (against the store).
        (await PostAsync(client, "/v1/batch", Batch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(client, "/v1/import", Batch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await FlushAsync(factory, Cancel);
        (await PostAsync(client, "/v1/batch", Batch, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        const string NoId = """{"userId": "u2", "event": "C", "timestamp": "2024-05-01T10:02:00Z"}""";
        (await PostAsync(client, "/v1/track", NoId, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(client, "/v1/track", NoId, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await FlushAsync(factory, Cancel);

        // m1 and m2 once each, however often sent; the id-less message twice (each send got a new server id).
        var events = await EventsAsync(factory, Cancel);
        events.Select(e => (e.CustomerId, e.Event)).Order().ShouldBe([("u1", "A"), ("u1", "B"), ("u2", "C"), ("u2", "C")]);
    }

    [Fact]
    public async Task Only_write_keys_may_send_and_members_may_read_the_status()
    {
        using var factory = AtReceivedAt();
        const string Track = """{"userId": "u1", "event": "A"}""";

        var anonymous = factory.Anonymous();
        (await PostAsync(anonymous, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/v1/status", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var unknown = factory.Anonymous();
        unknown.DefaultRequestHeaders.Authorization = Basic("tm_ingest_not-a-real-key");
        (await PostAsync(unknown, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var read = factory.WithKey(ApiKeyKind.Read, out _);
        (await PostAsync(read, "/v1/batch", """{"batch": []}""", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var admin = factory.WithKey(ApiKeyKind.Admin, out _);
        (await PostAsync(admin, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);
        (await PostAsync(viewer, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var write = Segment(factory);
        (await PostAsync(write, "/v1/track", Track, Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await write.GetAsync("/v1/status", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // A member sees the pump's status: after a flush, the one accepted message is imported and nothing waits.
        await FlushAsync(factory, Cancel);
        var status = await JsonAsync(await viewer.GetAsync("/v1/status", Cancel), Cancel);
        status["acceptedMessages"]!.GetValue<long>().ShouldBe(1);
        status["importedEvents"]!.GetValue<long>().ShouldBe(1);
        status["queuedSegments"]!.GetValue<int>().ShouldBe(0);
        status["lastError"].ShouldBeNull();
    }

    [Fact]
    public async Task The_pump_lands_events_on_its_own_and_they_move_a_journeys_numbers()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var analysis = factory.Service<AnalysisService>();
        var before = await analysis.MeasureAsync(stored, journeys.Latest(stored), Cancel);
        before.Analysis.Customers.ShouldBe(0);

        // Three visitors view a page, two of them sign up a minute later (saas-trial: Discover's entry is
        // "Page Viewed", Sign up's is "Signed Up").
        var client = Segment(factory);
        var response = await PostAsync(client, "/v1/batch", """
            {"batch": [
              {"type": "track", "userId": "c1", "event": "Page Viewed", "timestamp": "2024-05-01T10:00:00Z"},
              {"type": "track", "userId": "c2", "event": "Page Viewed", "timestamp": "2024-05-01T10:00:00Z"},
              {"type": "track", "userId": "c3", "event": "Page Viewed", "timestamp": "2024-05-01T10:00:00Z"},
              {"type": "track", "userId": "c1", "event": "Signed Up", "timestamp": "2024-05-01T10:01:00Z"},
              {"type": "track", "userId": "c2", "event": "Signed Up", "timestamp": "2024-05-01T10:01:00Z"}
            ]}
            """, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        // No flush: the pump itself picks the batch up (within ~1 s; the bound is generous for a busy machine).
        var data = factory.Service<EventData>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await EventsAsync(factory, Cancel)).Count < 5)
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the pump did not import the batch");
            await Task.Delay(50, Cancel);
        }

        data.Version.ShouldBeGreaterThan(0);
        var after = await analysis.MeasureAsync(stored, journeys.Latest(stored), Cancel);
        after.Analysis.Customers.ShouldBe(3);
        after.Analysis.Stages[0].Reached.ShouldBe(3);
        after.Analysis.Stages[1].Reached.ShouldBe(2);
    }

    [Fact]
    public async Task Segments_left_by_a_crash_are_imported_at_start_and_a_torn_last_line_is_dropped()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-spool-").FullName;
        try
        {
            var db = Path.Combine(dir, "w.duckdb");
            var spool = Directory.CreateDirectory(db + ".ingest").FullName;
            await File.WriteAllTextAsync(Path.Combine(spool, "000000000007.jsonl"),
                """{"type":"track","messageId":"m1","userId":"u1","timestamp":"2024-05-01T10:00:00.000000Z","event":"A"}""" + "\n"
                + """{"type":"track","messageId":"m2","userId":"u1","timestamp":"2024-05-01T10:01:00.000000Z","ev""", Cancel);
            await File.WriteAllTextAsync(Path.Combine(spool, "000000000008.jsonl"), "", Cancel);

            using var factory = new WorkspaceFactory(o => o with { DbPath = db });
            factory.Service<IngestPump>(); // starts the host
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while ((await EventsAsync(factory, Cancel)).Count == 0)
            {
                waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the leftover segment was not imported");
                await Task.Delay(50, Cancel);
            }

            (await EventsAsync(factory, Cancel)).Select(e => e.MessageId).ShouldBe(["m1"]);

            // New segments continue after the highest leftover number, and the imported ones are gone.
            (await PostAsync(Segment(factory), "/v1/track", """{"userId": "u1", "event": "B"}""", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await FlushAsync(factory, Cancel);
            Directory.GetFiles(spool, "*.jsonl").Select(Path.GetFileName).ShouldAllBe(f => string.CompareOrdinal(f, "000000000009.jsonl") >= 0);
            (await EventsAsync(factory, Cancel)).Select(e => e.Event).Order().ShouldBe(["A", "B"]);
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
