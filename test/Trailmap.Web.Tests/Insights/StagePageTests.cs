using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Insights;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

public sealed class StagePageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_funnel_counts_each_stage_and_highlights_the_one_drilled_into()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/activate", Cancel);

        // signup: a b c d e = 5; activate: a b c e = 4 (80% of 5); pay: a e = 2 (50% of 4, 40% of 5).
        Rows(html, "list compact funnel-table").ShouldBe(
        [
            "Sign up 5 – 100%",
            "Activate 4 80% 80%",
            "Pay 2 50% 40%",
        ]);
        html.ShouldContain("<tr class=\"current\" data-stage=\"activate\">");
        html.ShouldContain("<g class=\"bar current\">");
        html.ShouldContain($"href=\"/journeys/{stored.Slug}/stages/pay\"");
    }

    [Fact]
    public async Task The_histogram_markers_are_labelled_above_every_bar_count_and_the_axis_reads_in_one_unit()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/activate", Cancel);

        var start = html.IndexOf("<svg class=\"histogram\"", StringComparison.Ordinal);
        var svg = System.Xml.Linq.XElement.Parse(html[start..(html.IndexOf("</svg>", start, StringComparison.Ordinal) + 6)]);
        double Y(System.Xml.Linq.XElement e) => double.Parse((string)e.Attribute("y")!, System.Globalization.CultureInfo.InvariantCulture);
        var texts = svg.Descendants("text").ToList();
        var counts = texts.Where(t => (string?)t.Attribute("class") == "count").ToList();
        var markers = texts.Where(t => t.Parent!.Attribute("class")?.Value.StartsWith("marker", StringComparison.Ordinal) == true).ToList();

        // 11px text: a label's glyphs span [y - 11, y]. Each marker label ends above the top of the highest count.
        markers.Count.ShouldBe(2);
        counts.ShouldNotBeEmpty();
        foreach (var m in markers)
        {
            Y(m).ShouldBeLessThan(counts.Min(Y) - 11);
        }

        Math.Abs(Y(markers[0]) - Y(markers[1])).ShouldBeGreaterThanOrEqualTo(11);

        // 12h buckets up to 3d (worked out below): the ticks count hours.
        texts.Where(t => (string?)t.Attribute("class") == "tick").Select(t => t.Value).ShouldBe(["0h", "12h", "24h", "36h", "48h", "60h", "72h"]);
    }

    [Fact]
    public async Task Time_to_stage_is_a_histogram_with_the_nearest_rank_median_and_p90()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/activate", Cancel);

        // Signup to activate: a 2h, b 1d, c 3d, e 30m. Sorted 30m, 2h, 1d, 3d: median = rank ceil(0.5*4) = 2 → 2h;
        // p90 = rank ceil(0.9*4) = 4 → 3d. The longest, 3d = 259200s, needs floor(259200/w)+1 <= 12 buckets: 6h gives
        // 13, 12h gives 7. Buckets of 12h: [0,12h) 30m and 2h; [1d,1.5d) 1d; [3d,3.5d) 3d.
        html.ShouldContain("median <strong class=\"median\">2h</strong>");
        html.ShouldContain("p90 <strong class=\"p90\">3d</strong>");
        Rows(html, "list compact histogram-table").ShouldBe(
        [
            "0s 12h 2",
            "12h 1d 0",
            "1d 1.5d 1",
            "1.5d 2d 0",
            "2d 2.5d 0",
            "2.5d 3d 0",
            "3d 3.5d 1",
        ]);
    }

    [Fact]
    public async Task From_the_previous_stage_the_times_agree_with_the_analysis()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        // Activate to pay: a 2024-01-01 02:00 → 01-03 00:00 = 46h = 165600s; e 01-08 00:30 → 01-10 00:00 = 47.5h = 171000s.
        // Median rank 1 → 165600s (1.9d); p90 rank ceil(1.8) = 2 → 171000s (2d).
        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/pay?from=previous", Cancel);
        html.ShouldContain("median <strong class=\"median\">1.9d</strong>");
        html.ShouldContain("p90 <strong class=\"p90\">2d</strong>");

        // From the journey start: a and e both took exactly 2 days from signing up to paying.
        var fromStart = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/pay", Cancel);
        fromStart.ShouldContain("median <strong class=\"median\">2d</strong>");

        var journeys = factory.Service<JourneyStore>();
        var measured = await factory.Service<AnalysisService>().MeasureAsync(stored, journeys.Latest(stored), Cancel);
        var pay = measured.Analysis.Stages.Single(s => s.Id == "pay");
        pay.MedianTimeToStageSeconds.ShouldBe(165600);
        pay.P90TimeToStageSeconds.ShouldBe(171000);
        var drill = StageDrillDown.Build(measured, measured.Measurement.Entries, "pay")!;
        drill.FromPrevious!.Median.ShouldBe(pay.MedianTimeToStageSeconds!.Value);
        drill.FromPrevious.P90.ShouldBe(pay.P90TimeToStageSeconds!.Value);
        drill.FromStart!.Median.ShouldBe(172800);
    }

    [Fact]
    public async Task Customers_stuck_in_a_stage_are_listed_longest_waiting_first()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/activate", Cancel);

        // b and c shared a board and never paid. The data ends 2024-01-15 00:00: b waits 13d (1.9w), c 10d (1.4w).
        html.ShouldContain("<span class=\"stuck-count\">2</span>");
        Rows(html, "list stuck").ShouldBe(
        [
            "b 2024-01-02 00:00:00 UTC 1.9w",
            "c 2024-01-05 00:00:00 UTC 1.4w",
        ]);
        html.ShouldContain($"href=\"/journeys/{stored.Slug}/customers/b\"");

        // d signed up on 2024-01-03 (and again on 01-05, which does not reset the wait) and never shared a board:
        // 12d (1.7w) as of 01-15.
        var signup = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/signup", Cancel);
        Rows(signup, "list stuck").ShouldBe(["d 2024-01-03 00:00:00 UTC 1.7w"]);

        var pay = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/pay", Cancel);
        pay.ShouldContain("This is the last measured stage");
    }

    [Fact]
    public async Task The_stage_shows_its_scores_pain_points_and_opportunities()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/activate", Cancel);

        // b answered 5 (satisfied) after entering activate, c answered 2: CSAT 1 of 2 = 50%.
        html.ShouldContain("<strong class=\"csat\">50%</strong>");
        html.ShouldContain("Import needs a CSV export first");
        html.ShouldContain("high severity");
        html.ShouldContain("One-click import");
        html.ShouldContain("Integrations");
    }

    [Fact]
    public async Task Unknown_stages_and_bad_parameters_get_clear_pages()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var missing = await client.GetAsync($"/journeys/{stored.Slug}/stages/nope", Cancel);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var body = await missing.Content.ReadAsStringAsync(Cancel);
        body.ShouldContain("has no stage with the id &quot;nope&quot;");
        body.ShouldContain($"href=\"/journeys/{stored.Slug}\"");

        (await client.GetAsync("/journeys/nope/stages/signup", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var bad = await client.GetAsync($"/journeys/{stored.Slug}/stages/pay?from=yesterday", Cancel);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Cancel)).ShouldContain("from: &quot;yesterday&quot; is not a starting point; use start");
    }

    [Fact]
    public async Task The_map_links_its_bottleneck_and_stages_to_their_drill_downs()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        // Signup to activate meets its target (4 of 5, 80% >= 50%). Activate to pay's KPI counts everyone who shared a
        // board, g included (a b c e g), of whom a and e pay: 40% against >= 44%, at risk, so it falls short of its
        // target by (0.44 - 0.40) / 0.44 and that step is the bottleneck.
        var html = await client.GetStringAsync($"/journeys/{stored.Slug}", Cancel);
        System.Net.WebUtility.HtmlDecode(html).ShouldContain("Bottleneck: Activate → Pay");
        html.ShouldContain($"<a href=\"/journeys/{stored.Slug}/stages/pay\">Pay: funnel, pain points and opportunities</a>");
        html.ShouldContain($"href=\"/journeys/{stored.Slug}/stages/activate#stuck-h\"");
        html.ShouldContain($"<a href=\"/journeys/{stored.Slug}/stages/signup\">Sign up</a>");
    }

    [Fact]
    public async Task New_events_show_up_on_the_next_request()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        Rows(await client.GetStringAsync($"/journeys/{stored.Slug}/stages/signup", Cancel), "list stuck").Count.ShouldBe(1);

        // d shares a board: activate now holds a b c d e = 5 of 5, and nobody is left waiting in signup.
        var path = Path.Combine(factory.Dir, "more.jsonl");
        await File.WriteAllTextAsync(path, """{"user_id":"d","event":"Board Shared","timestamp":"2024-01-06T00:00:00Z"}""" + "\n", Cancel);
        var data = factory.Service<EventData>();
        await data.UseAsync(store => Trailmap.Events.EventImporter.Import(store, [path]), Cancel);
        data.Changed();

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/signup", Cancel);
        Rows(html, "list compact funnel-table")[1].ShouldBe("Activate 5 100% 100%");
        html.ShouldContain("Everyone who reached this stage went on to Activate.");
    }

    [Fact]
    public async Task Insight_pages_need_a_signed_in_member()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var anonymous = factory.Anonymous();
        foreach (var path in new[] { "/stages/signup", "/kpis", "/retention", "/customers", "/customers/a" })
        {
            var response = await anonymous.GetAsync($"/journeys/{stored.Slug}{path}", Cancel);
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.Redirect, HttpStatusCode.Unauthorized);
            (await response.Content.ReadAsStringAsync(Cancel)).ShouldNotContain("Signed Up");
        }
    }
}
