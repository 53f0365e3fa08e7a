using System.Net;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Microsoft.Extensions.Time.Testing;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using Trailmap.Web.Tests.Insights;
using static Trailmap.Web.Tests.Ingestion.IngestClient;

namespace Trailmap.Web.Tests.Journeys;

/// <summary>
/// Journey pages answer from the last finished measurement while a newer one runs in the background. Measurements are
/// held mid-way with <see cref="EventData.PauseLoadsAsync"/> (the real load lock), so "the page answered before the
/// recompute finished" is a fact of the test, not a race.
/// </summary>
public sealed partial class StaleWhileRevalidateTests
{
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Batch 1: u1 and u2 sign up, u2 shares a board: 2 customers, 3 events.
    private const string Batch1 = """
        {"batch": [
          {"type": "track", "userId": "u1", "event": "Signed Up", "timestamp": "2024-04-01T10:00:00Z"},
          {"type": "track", "userId": "u2", "event": "Signed Up", "timestamp": "2024-04-01T11:00:00Z"},
          {"type": "track", "userId": "u2", "event": "Board Shared", "timestamp": "2024-04-02T11:00:00Z"}
        ]}
        """;

    // Batch 2: u3 signs up, u1 shares and pays: customers u1 u2 u3 = 3, events 3 + 3 = 6.
    private const string Batch2 = """
        {"batch": [
          {"type": "track", "userId": "u3", "event": "Signed Up", "timestamp": "2024-04-03T10:00:00Z"},
          {"type": "track", "userId": "u1", "event": "Board Shared", "timestamp": "2024-04-03T11:00:00Z"},
          {"type": "track", "userId": "u1", "event": "Subscription Started", "timestamp": "2024-04-04T11:00:00Z"}
        ]}
        """;

    // Batch 3: u4 signs up: customers 3 + 1 = 4, events 6 + 1 = 7.
    private const string Batch3 = """
        {"batch": [{"type": "track", "userId": "u4", "event": "Signed Up", "timestamp": "2024-04-05T10:00:00Z"}]}
        """;

    private static WorkspaceFactory Workspace(FakeTimeProvider time) =>
        new(o => o with { Time = time, FirstAnalysisWait = TimeSpan.Zero, FreshWait = TimeSpan.Zero });

    [Fact]
    public async Task After_new_events_the_page_answers_from_the_last_measurement_then_shows_the_new_numbers()
    {
        var time = new FakeTimeProvider(Start);
        using var factory = Workspace(time);
        var stored = factory.Service<JourneyStore>().Create(InsightsData.TrialYaml, "test");
        var analysis = factory.Service<AnalysisService>();
        var ingest = Segment(factory);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var path = "/journeys/" + stored.Slug;

        await LandAsync(factory, ingest, Batch1);
        var first = await MeasuredPageAsync(client, path);
        Stat(first, "Customers").ShouldBe("2");
        Stat(first, "Events").ShouldBe("3");
        first.ShouldContain("Numbers as of 2024-05-01 12:00:00 UTC");
        first.ShouldContain("<span>up to date</span>");
        analysis.Runs.ShouldBe(1);

        time.Advance(TimeSpan.FromMinutes(1));
        await LandAsync(factory, ingest, Batch2);
        using (await factory.Service<EventData>().PauseLoadsAsync(Cancel))
        {
            // The recompute is stuck on the paused load, so this answer cannot have waited for it.
            var stale = await client.GetStringAsync(path, Cancel).WaitAsync(TimeSpan.FromSeconds(60), Cancel);
            Stat(stale, "Customers").ShouldBe("2");
            Stat(stale, "Events").ShouldBe("3");
            stale.ShouldContain("Numbers as of 2024-05-01 12:00:00 UTC");
            stale.ShouldContain("updating…");
            stale.ShouldNotContain("<span>up to date</span>");
            analysis.Runs.ShouldBe(2);
        }

        var fresh = await MeasuredPageAsync(client, path);
        Stat(fresh, "Customers").ShouldBe("3");
        Stat(fresh, "Events").ShouldBe("6");
        fresh.ShouldContain("Numbers as of 2024-05-01 12:01:00 UTC");
        analysis.Runs.ShouldBe(2);

        // The second measurement extended the first one's log with batch 2 rather than reading every event again,
        // and measured again only the customers batch 2 brought events for (u1 and u3), copying u2's figures.
        factory.Service<EventData>().FullLoads.ShouldBe(1);
        var measured = await analysis.MeasureAsync(stored, factory.Service<JourneyStore>().Latest(stored), Cancel);
        measured.Measurement.Scanned.ShouldBe(2);
        analysis.Runs.ShouldBe(2);
    }

    [Fact]
    public async Task Concurrent_requests_share_one_recompute_and_later_data_queues_exactly_one_more()
    {
        var time = new FakeTimeProvider(Start);
        using var factory = Workspace(time);
        var stored = factory.Service<JourneyStore>().Create(InsightsData.TrialYaml, "test");
        var analysis = factory.Service<AnalysisService>();
        var data = factory.Service<EventData>();
        var ingest = Segment(factory);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var path = "/journeys/" + stored.Slug;

        await LandAsync(factory, ingest, Batch1);
        await MeasuredPageAsync(client, path);
        analysis.Runs.ShouldBe(1);
        var loads = data.Loads;

        await LandAsync(factory, ingest, Batch2);
        using (await data.PauseLoadsAsync(Cancel))
        {
            // Twenty pages (map, frame and KPI board) at once: all answer with the old numbers, one run starts.
            var pages = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
                client.GetStringAsync(path + (i % 3 == 0 ? "/kpis" : i % 3 == 1 ? "/map.html" : ""), Cancel))).WaitAsync(TimeSpan.FromSeconds(60), Cancel);
            pages.Where((_, i) => i % 3 == 2).ShouldAllBe(p => Stat(p, "Customers") == "2");
            analysis.Runs.ShouldBe(2);

            // More events while that run is held: more requests queue one more run, not one each.
            await LandAsync(factory, ingest, Batch3);
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetStringAsync(path, Cancel))).WaitAsync(TimeSpan.FromSeconds(60), Cancel);
            analysis.Runs.ShouldBe(2);
        }

        var fresh = await MeasuredPageAsync(client, path);
        Stat(fresh, "Customers").ShouldBe("4");
        Stat(fresh, "Events").ShouldBe("7");

        // Run 2 (held) and the one queued run 3: each loaded the events once, whatever the number of requests.
        analysis.Runs.ShouldBe(3);
        (data.Loads - loads).ShouldBe(2);
    }

    [Fact]
    public async Task A_failing_recompute_keeps_the_last_good_numbers_and_says_why()
    {
        var time = new FakeTimeProvider(Start);
        using var factory = Workspace(time);
        var stored = factory.Service<JourneyStore>().Create(InsightsData.TrialYaml, "test");
        var ingest = Segment(factory);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var path = "/journeys/" + stored.Slug;

        await LandAsync(factory, ingest, Batch1);
        await MeasuredPageAsync(client, path);
        await LandAsync(factory, ingest, Batch2);

        // Break the store for real: the events table is gone, so the next load fails inside DuckDB.
        await SqlAsync(factory, "ALTER TABLE events RENAME TO events_away");
        var failed = await PageUntilAsync(client, path, html => html.Contains("Updating these numbers failed", StringComparison.Ordinal));
        Stat(failed, "Customers").ShouldBe("2");
        Stat(failed, "Events").ShouldBe("3");
        failed.ShouldContain("events");
        failed.ShouldContain("Numbers as of 2024-05-01 12:00:00 UTC");

        // Mended, and past the retry pause: the next view measures again and the error goes.
        await SqlAsync(factory, "ALTER TABLE events_away RENAME TO events");
        time.Advance(AnalysisService.RetryAfter + TimeSpan.FromSeconds(1));
        var fresh = await MeasuredPageAsync(client, path);
        Stat(fresh, "Customers").ShouldBe("3");
        Stat(fresh, "Events").ShouldBe("6");
        fresh.ShouldNotContain("failed");
    }

    [Fact]
    public async Task A_new_journey_version_is_measured_afresh_and_never_shows_the_old_versions_numbers()
    {
        var time = new FakeTimeProvider(Start);
        using var factory = Workspace(time);
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(InsightsData.TrialYaml, "test");
        var ingest = Segment(factory);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var path = "/journeys/" + stored.Slug;

        await LandAsync(factory, ingest, Batch1);
        var v1 = await MeasuredPageAsync(client, path);
        Stat(v1, "Customers").ShouldBe("2");

        // Version 2 drops the pay stage; new events landed too, so its measurement must load them (held here).
        var yaml2 = InsightsData.TrialYaml[..InsightsData.TrialYaml.IndexOf("  - id: pay", StringComparison.Ordinal)]
            + InsightsData.TrialYaml[InsightsData.TrialYaml.IndexOf("metrics:", StringComparison.Ordinal)..];
        journeys.Save(stored, yaml2, "test", "drop pay", expectedVersion: 1);
        await LandAsync(factory, ingest, Batch2);
        using (await factory.Service<EventData>().PauseLoadsAsync(Cancel))
        {
            var response = await client.GetAsync(path, Cancel);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Headers.GetValues("Refresh").Single().ShouldBe(PendingMeasurement.RefreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var measuring = await response.Content.ReadAsStringAsync(Cancel);
            measuring.ShouldContain("Measuring…");
            measuring.ShouldContain("Version 2 of this journey is being measured");
            measuring.ShouldNotContain("<span class=\"k\">Customers</span>");
            measuring.ShouldNotContain("http-equiv"); // the Refresh header does it: no meta refresh, no script
        }

        var v2 = await MeasuredPageAsync(client, path);
        Stat(v2, "Customers").ShouldBe("3");
        v2.ShouldNotContain("Pay</a>");
        v2.ShouldContain("v2 ·");
    }

    private static async Task LandAsync(WorkspaceFactory factory, HttpClient ingest, string batch)
    {
        var response = await PostAsync(ingest, "/v1/batch", batch, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await FlushAsync(factory, Cancel);
    }

    private static async Task SqlAsync(WorkspaceFactory factory, string sql)
    {
        // A connection of the test's own to the same file: DuckDB shares one database per file within a process.
        using var connection = new DuckDBConnection("DataSource=" + factory.Options.DbPath);
        await connection.OpenAsync(Cancel);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Cancel);
    }

    /// <summary>The page once it shows numbers that are up to date (the background run finished).</summary>
    private static Task<string> MeasuredPageAsync(HttpClient client, string path) =>
        PageUntilAsync(client, path, html => html.Contains("<span>up to date</span>", StringComparison.Ordinal));

    private static async Task<string> PageUntilAsync(HttpClient client, string path, Func<string, bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var html = await client.GetStringAsync(path, Cancel);
            if (done(html))
            {
                return html;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the page never got there: " + html);
            }

            await Task.Delay(50, Cancel);
        }
    }

    private static string Stat(string html, string label)
    {
        var at = html.IndexOf($"<span class=\"k\">{label}</span>", StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, $"no {label} on the page");
        var match = StatValue().Match(html, at);
        return match.Groups[1].Value;
    }

    [GeneratedRegex("<strong>([^<]*)</strong>")]
    private static partial Regex StatValue();
}
