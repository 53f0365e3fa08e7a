using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using Trailmap.Web.Tests.Insights;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Operations;

/// <summary>
/// Runs alone: OpenTelemetry's listener is process-wide and matches meters by name, so a workspace host of another
/// test class disposed meanwhile (its "Trailmap" meter with it) ends the same-named metrics of this host's exporter.
/// A server process has one host; only tests run several side by side.
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>The probes and metrics an operator points a load balancer and Prometheus at, on real Kestrel.</summary>
[Collection(nameof(MetricsCollection))]
public sealed partial class OperationsEndpointsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_answers_without_a_sign_in()
    {
        using var factory = new WorkspaceFactory();
        var response = await factory.Anonymous().GetAsync("/healthz", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldBe("ok\n");
    }

    [Fact]
    public async Task Readyz_is_ready_when_every_store_answers()
    {
        using var factory = new WorkspaceFactory();
        var response = await factory.Anonymous().GetAsync("/readyz", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldBeJson("""
            {"status": "ready", "checks": {"events": "ok", "workspace": "ok", "outbox": "ok"}}
            """);
    }

    // The events store is held by a writer (as a long import through the web holds it) past the probe's 5 s.
    [Fact]
    public async Task Readyz_is_503_naming_the_store_that_does_not_answer()
    {
        using var factory = new WorkspaceFactory();
        using var release = new ManualResetEventSlim();
        var holder = factory.Service<EventData>().UseAsync(_ => release.Wait(TimeSpan.FromMinutes(1)), Cancel);
        try
        {
            var response = await factory.Anonymous().GetAsync("/readyz", Cancel);
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await response.Content.ReadAsStringAsync(Cancel)).ShouldBeJson("""
                {"status": "not ready", "checks": {"events": "did not answer within 5 s", "workspace": "ok", "outbox": "ok"}}
                """);
        }
        finally
        {
            release.Set();
            await holder;
        }
    }

    // Three messages, one a repeat of another's message id: 3 accepted, 2 imported; nothing waits in the spool after
    // the flush; the outbox is empty, every state at 0.
    [Fact]
    public async Task Metrics_count_ingestion_the_backlog_and_the_outbox_by_state()
    {
        using var factory = new WorkspaceFactory();
        var ingest = Segment(factory);
        var response = await PostAsync(ingest, "/v1/batch", """
            {"batch": [
              {"type": "track", "userId": "u1", "event": "Signed Up", "messageId": "m1", "timestamp": "2024-04-01T10:00:00Z"},
              {"type": "track", "userId": "u2", "event": "Signed Up", "messageId": "m2", "timestamp": "2024-04-01T11:00:00Z"},
              {"type": "track", "userId": "u1", "event": "Signed Up", "messageId": "m1", "timestamp": "2024-04-01T10:00:00Z"}
            ]}
            """, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await FlushAsync(factory, Cancel);

        var metrics = await ScrapeAsync(factory);
        Value(metrics, "trailmap_ingest_accepted_messages_total").ShouldBe(3);
        Value(metrics, "trailmap_ingest_imported_events_total").ShouldBe(2);
        Value(metrics, "trailmap_ingest_queued_bytes").ShouldBe(0);
        Value(metrics, "trailmap_ingest_quarantined_segments").ShouldBe(0);
        Value(metrics, "trailmap_measurement_age_seconds").ShouldBe(0);
        foreach (var state in new[] { "pending", "sending", "sent", "dead", "suppressed" })
        {
            Value(metrics, $"trailmap_outbox_messages{{state=\"{state}\"}}").ShouldBe(0);
        }
    }

    // Measured at 12:00; events land at 12:01:30 and nobody looks: the page would show 90 s old numbers.
    [Fact]
    public async Task Measurement_age_is_how_old_the_shown_numbers_are_once_newer_events_wait()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
        using var factory = new WorkspaceFactory(o => o with { Time = time, FirstAnalysisWait = TimeSpan.Zero, FreshWait = TimeSpan.Zero });
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(InsightsData.TrialYaml, "test");
        var ingest = Segment(factory);
        await Land(factory, ingest, "u1");
        await factory.Service<AnalysisService>().MeasureAsync(stored, journeys.Latest(stored), Cancel);
        Value(await ScrapeAsync(factory), "trailmap_measurement_age_seconds").ShouldBe(0);

        time.Advance(TimeSpan.FromSeconds(90));
        await Land(factory, ingest, "u2");
        Value(await ScrapeAsync(factory), "trailmap_measurement_age_seconds").ShouldBe(90);
    }

    private static async Task Land(WorkspaceFactory factory, HttpClient ingest, string user)
    {
        var message = new JsonObject { ["type"] = "track", ["userId"] = user, ["event"] = "Signed Up", ["timestamp"] = "2024-04-01T10:00:00Z" };
        var response = await PostAsync(ingest, "/v1/track", message.ToJsonString(), Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await FlushAsync(factory, Cancel);
    }

    // The exporter caches a scrape for a moment; a fresh client per scrape still reads the cached text, so each
    // test scrapes once per state it checks, after the state changed, and the cache is per host.
    private static async Task<string> ScrapeAsync(WorkspaceFactory factory)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(400), Cancel);
        var response = await factory.Anonymous().GetAsync("/metrics", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(Cancel);
    }

    private static double Value(string metrics, string series)
    {
        // A sample line: the series name, its labels as exported (the meter's own labels are added after ours), a value.
        var name = series.Split('{')[0];
        var label = series.Contains('{', StringComparison.Ordinal) ? series[(series.IndexOf('{', StringComparison.Ordinal) + 1)..^1] : null;
        foreach (var line in metrics.Split('\n'))
        {
            var m = Sample().Match(line);
            if (m.Success && m.Groups["name"].Value == name && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        throw new ShouldAssertException($"no sample of {series} in:\n{metrics}");
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-0-9.eE+]+)")]
    private static partial Regex Sample();
}
