using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

public sealed class CustomerPagesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_health_model_the_customers_stuck_longest_come_first()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/customers", Cancel);

        // Between the first and the last stage: b (activate since 01-02), d (signup since 01-03), c (activate since
        // 01-05); a and e paid (the last stage), f and g never signed up. As of 2024-01-15: 13d, 12d, 10d.
        html.ShouldContain("Customers stuck longest");
        Rows(html, "list customers").ShouldBe(
        [
            "b Activate 2024-01-02 00:00:00 UTC 1.9w",
            "d Sign up 2024-01-03 00:00:00 UTC 1.7w",
            "c Activate 2024-01-05 00:00:00 UTC 1.4w",
        ]);
    }

    [Fact]
    public async Task With_a_health_model_the_least_healthy_come_first()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, HealthYaml, HealthEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/customers", Cancel);

        // Scores from HealthYaml's comment: h4 0 and h1 10 (red), h2 70 (yellow), h3 100 (green). h4 never logged in:
        // still in Sign up since 03-01 (11d = 1.6w); h1 Active since 03-02 (10d), h2 since 03-08 (4d), h3 since 03-12.
        Rows(html, "list customers").ShouldBe(
        [
            "h4 0 red Login recency Sign up 2024-03-01 00:00:00 UTC 1.6w",
            "h1 10 red Login recency Active 2024-03-02 00:00:00 UTC 1.4w",
            "h2 70 yellow Login recency Active 2024-03-08 00:00:00 UTC 4d",
            "h3 100 green Login recency Active 2024-03-12 00:00:00 UTC 0s",
        ]);

        // The same bands as the analysis counts.
        var measured = await factory.Service<AnalysisService>().MeasureAsync(stored, factory.Service<JourneyStore>().Latest(stored), Cancel);
        (measured.Analysis.Health!.Red, measured.Analysis.Health.Yellow, measured.Analysis.Health.Green).ShouldBe((2L, 1L, 1L));
    }

    [Fact]
    public async Task A_customers_timeline_shows_their_health_when_the_journey_scores_it()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, HealthYaml, HealthEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        // h2 last logged in 4 days before the end of the data: (11 - 4) / 10 * 100 = 70, yellow (HealthYaml's comment).
        var h2 = Text(await client.GetStringAsync($"/journeys/{stored.Slug}/customers/h2", Cancel));
        h2.ShouldContain("Health 70 yellow");
        h2.ShouldContain("weakest: Login recency");

        // TrialYaml has no health model: its timelines say nothing about health.
        using var other = new WorkspaceFactory();
        var trial = await SeedAsync(other, TrialYaml, TrialEvents, Cancel);
        var viewer = await other.SignedInAsync(Role.Viewer, Cancel);
        (await viewer.GetStringAsync($"/journeys/{trial.Slug}/customers/a", Cancel)).ShouldNotContain("customer-health");
    }

    [Fact]
    public async Task Searching_an_exact_id_opens_the_customer_and_a_part_lists_matches()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, HealthYaml, HealthEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var exact = await client.GetAsync($"/journeys/{stored.Slug}/customers?q=h2", Cancel);
        exact.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        exact.Headers.Location!.OriginalString.ShouldBe($"/journeys/{stored.Slug}/customers/h2");

        // Case is ignored: "H" is part of all four ids, listed in the order of the data.
        var part = await client.GetStringAsync($"/journeys/{stored.Slug}/customers?q=H", Cancel);
        var matches = part[part.IndexOf("matches-h", StringComparison.Ordinal)..part.IndexOf("risk-h", StringComparison.Ordinal)];
        Rows(matches, "list customers").Select(r => r.Split(' ')[0]).ShouldBe(["h1", "h2", "h3", "h4"]);

        var none = await client.GetStringAsync($"/journeys/{stored.Slug}/customers?q=zz", Cancel);
        none.ShouldContain("No customer id contains “zz”.");
    }

    [Fact]
    public async Task A_timeline_lists_every_event_in_order_with_properties_and_the_stages_entered()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/customers/a", Cancel);

        // a's five events by time; the two page views at the same instant in arrival order.
        Rows(html, "list timeline").ShouldBe(
        [
            "2024-01-01 00:00:00 UTC Signed Up enters Sign up plan team",
            "2024-01-01 02:00:00 UTC Board Shared enters Activate",
            "2024-01-03 00:00:00 UTC Subscription Started enters Pay seats 5",
            "2024-01-09 00:00:00 UTC Page Viewed page first",
            "2024-01-09 00:00:00 UTC Page Viewed page second",
        ]);
        var stages = html.Replace("</li>", "</tr>", StringComparison.Ordinal);
        Row(stages, "data-stage=\"signup\"").ShouldBe("Sign up entered 2024-01-01 00:00:00 UTC");
        Row(stages, "data-stage=\"pay\"").ShouldBe("Pay entered 2024-01-03 00:00:00 UTC");

        // d signed up twice and never shared a board: in signup from the first signup, which alone is marked.
        var d = (await client.GetStringAsync($"/journeys/{stored.Slug}/customers/d", Cancel)).Replace("</li>", "</tr>", StringComparison.Ordinal);
        Row(d, "data-stage=\"signup\"").ShouldBe("Sign up entered 2024-01-03 00:00:00 UTC");
        Row(d, "data-stage=\"activate\"").ShouldBe("Activate not reached");
        Rows(d, "list timeline").ShouldBe(
        [
            "2024-01-03 00:00:00 UTC Signed Up enters Sign up",
            "2024-01-04 00:00:00 UTC Page Viewed page pricing",
            "2024-01-05 00:00:00 UTC Signed Up",
        ]);

        // g shared a board without signing up: the funnel does not count g in activate.
        var g = (await client.GetStringAsync($"/journeys/{stored.Slug}/customers/g", Cancel)).Replace("</li>", "</tr>", StringComparison.Ordinal);
        Row(g, "data-stage=\"activate\"").ShouldStartWith("Activate not counted: its entry event (first on 2024-01-02 00:00:00 UTC)");
        Rows(g, "list timeline").ShouldBe(["2024-01-02 00:00:00 UTC Board Shared"]);
    }

    [Fact]
    public async Task A_merged_id_opens_its_persons_timeline_which_names_every_id()
    {
        using var factory = new WorkspaceFactory();

        // g shared a board without signing up; an anonymous visitor v1 signed up the day before and was then
        // identified as g: g's history now starts with v1's sign-up, so g enters Sign up and then Activate.
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents + "\n" + """
            {"type":"track","anonymousId":"v1","event":"Signed Up","messageId":"v1-s","timestamp":"2024-01-01T12:00:00Z"}
            {"type":"identify","anonymousId":"v1","userId":"g","messageId":"v1-i","timestamp":"2024-01-01T13:00:00Z"}
            """, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = (await client.GetStringAsync($"/journeys/{stored.Slug}/customers/v1", Cancel)).Replace("</li>", "</tr>", StringComparison.Ordinal);

        html.ShouldContain("<h2 class=\"customer-id\">g</h2>");
        Text(html[html.IndexOf("customer-ids", StringComparison.Ordinal)..html.IndexOf("</p>", html.IndexOf("customer-ids", StringComparison.Ordinal), StringComparison.Ordinal)])
            .ShouldEndWith("Also known as v1 (ids merged by identify and alias; their events are on this timeline)");
        Rows(html, "list timeline").ShouldBe(
        [
            "2024-01-01 12:00:00 UTC Signed Up as v1 enters Sign up",
            "2024-01-02 00:00:00 UTC Board Shared enters Activate",
        ]);
        Row(html, "data-stage=\"activate\"").ShouldBe("Activate entered 2024-01-02 00:00:00 UTC");
    }

    [Fact]
    public async Task An_unknown_customer_is_a_404_page_that_links_back()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var response = await client.GetAsync($"/journeys/{stored.Slug}/customers/nobody", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("No events of a customer &quot;nobody&quot; are in this workspace.");
        html.ShouldContain($"href=\"/journeys/{stored.Slug}/customers\"");
    }
}
