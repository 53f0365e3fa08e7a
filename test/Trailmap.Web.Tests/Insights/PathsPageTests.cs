using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>
/// The journey's paths page over <see cref="InsightsData.TrialEvents"/>. After each customer's first Signed Up:
/// a Board Shared, Subscription Started, Page Viewed; b and c Board Shared, Survey Answered; d Page Viewed, Signed Up;
/// e as a. Every number worked out by hand from those rows.
/// </summary>
public sealed class PathsPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(HttpClient Client, string Slug)> OpenAsync(WorkspaceFactory factory, string events = TrialEvents)
    {
        var stored = await SeedAsync(factory, TrialYaml, events, Cancel);
        return (await factory.SignedInAsync(Role.Viewer, Cancel), stored.Slug);
    }

    // Five customers from Signed Up. Step 1: Board Shared 4, Page Viewed 1 (d). Step 2: Subscription Started 2 (a e),
    // Survey Answered 2 (b c), Signed Up 1 (d). Step 3: Page Viewed 2 (a e).
    [Fact]
    public async Task By_default_the_sankey_follows_the_first_stages_event()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/paths", Cancel);

        html.ShouldContain("<h2 id=\"sankey-h\">After Signed Up</h2>");
        Rows(html, "list compact sankey-links").ShouldBe([
            "1 Signed Up Board Shared 4",
            "1 Signed Up Page Viewed 1",
            "2 Board Shared Subscription Started 2",
            "2 Board Shared Survey Answered 2",
            "2 Page Viewed Signed Up 1",
            "3 Subscription Started Page Viewed 2",
        ]);
        html.Split("class=\"sankey-link").Length.ShouldBe(1 + 6);
        html.Split("<g class=\"sankey-node").Length.ShouldBe(1 + 7);
        html.ShouldContain($"href=\"/journeys/{slug}/paths\"");
    }

    // Events at or after 01-02, before 01-08: a's and e's Signed Up (01-01, 01-08 00:00) are out, b never signed up in
    // range. c: Signed Up, Board Shared, Survey Answered; d: Signed Up, Page Viewed, Signed Up. Two anchored.
    [Fact]
    public async Task Since_and_until_bound_the_events_of_the_sankey()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/paths?from=Signed+Up&min-share=0&since=2024-01-02&until=2024-01-08", Cancel);

        Rows(html, "list compact sankey-links").ShouldBe([
            "1 Signed Up Board Shared 1",
            "1 Signed Up Page Viewed 1",
            "2 Board Shared Survey Answered 1",
            "2 Page Viewed Signed Up 1",
        ]);
        html.ShouldContain("name=\"since\" value=\"2024-01-02\"");

        var bad = await client.GetAsync($"/journeys/{slug}/paths?from=Signed+Up&since=2024-01-08&until=2024-01-02", Cancel);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Cancel)).ShouldContain("until: 2024-01-02 is not after since (2024-01-08)");
        var notTime = await client.GetAsync($"/journeys/{slug}/paths?from=Signed+Up&since=%3Cb%3E", Cancel);
        notTime.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await notTime.Content.ReadAsStringAsync(Cancel)).ShouldContain("since: &quot;&lt;b&gt;&quot; is not a time");
    }

    // At 30% of 5 (1.5 customers) the one-customer nodes join their step's other: d's Page Viewed and Signed Up.
    [Fact]
    public async Task A_minimum_share_groups_the_rare_events_as_other()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/paths?from=Signed+Up&min-share=0.3", Cancel);

        Rows(html, "list compact sankey-links").ShouldBe([
            "1 Signed Up Board Shared 4",
            "1 Signed Up (other) 1",
            "2 Board Shared Subscription Started 2",
            "2 Board Shared Survey Answered 2",
            "2 (other) (other) 1",
            "3 Subscription Started Page Viewed 2",
        ]);
        html.Split("<g class=\"sankey-node other\"").Length.ShouldBe(1 + 2);
    }

    // Before Subscription Started, depth 2: a Signed Up, Board Shared; e the same. Two customers, two links.
    [Fact]
    public async Task To_shows_what_came_before()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/paths?to=Subscription+Started&depth=2", Cancel);

        html.ShouldContain("<h2 id=\"sankey-h\">Before Subscription Started</h2>");
        Rows(html, "list compact sankey-links").ShouldBe([
            "-1 Signed Up Board Shared 2",
            "0 Board Shared Subscription Started 2",
        ]);
    }

    // Stage 2 (Activate) dropped: b and c shared a board and never paid; both then answered the survey.
    [Fact]
    public async Task Dropped_at_a_stage_follows_the_stuck_customers()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        // The funnel links each stage but the last to where its stopped customers went.
        var funnel = await client.GetStringAsync($"/journeys/{slug}/funnel", Cancel);
        funnel.ShouldContain($"<a href=\"/journeys/{slug}/paths?dropped-at=1\">where they went</a>");
        funnel.ShouldContain($"<a href=\"/journeys/{slug}/paths?dropped-at=2\">where they went</a>");
        funnel.ShouldNotContain("dropped-at=3");

        var html = await client.GetStringAsync($"/journeys/{slug}/paths?dropped-at=2", Cancel);

        html.ShouldContain("<h2 id=\"sankey-h\">After dropping at Activate (stage 2)</h2>");
        Rows(html, "list compact sankey-links").ShouldBe(["1 Activate Survey Answered 2"]);
    }

    [Fact]
    public async Task Bad_parameters_are_a_400_with_the_reason()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var response = await client.GetAsync($"/journeys/{slug}/paths?dropped-at=3", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("dropped-at: &#x27;3&#x27; is not a step customers can drop at; give 1 to 2 (the last step has no next one).");

        var share = await client.GetAsync($"/journeys/{slug}/paths?from=Signed+Up&min-share=lots", Cancel);
        share.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await share.Content.ReadAsStringAsync(Cancel)).ShouldContain("min-share: &#x27;lots&#x27; is not a share");
    }

    // An event named like markup, and an anchor asked for in markup: both are text on the page, never elements.
    [Fact]
    public async Task Event_names_are_escaped_in_the_drawing_and_the_table()
    {
        using var factory = new WorkspaceFactory();
        var events = TrialEvents + "\n" + """
            {"user_id":"h","event":"Signed Up","timestamp":"2024-01-02T00:00:00Z"}
            {"user_id":"h","event":"<script>alert(1)</script>","timestamp":"2024-01-02T01:00:00Z"}
            """;
        var (client, slug) = await OpenAsync(factory, events);

        var html = await client.GetStringAsync($"/journeys/{slug}/paths?min-share=0", Cancel);
        html.ShouldNotContain("<script>alert(1)");
        html.ShouldContain("<title>&lt;script&gt;alert(1)&lt;/script&gt;: 1</title>");
        Rows(html, "list compact sankey-links").ShouldContain("1 Signed Up <script>alert(1)</script> 1");

        var anchored = await client.GetStringAsync($"/journeys/{slug}/paths?to={Uri.EscapeDataString("<script>alert(1)</script>")}&depth=1", Cancel);
        anchored.ShouldNotContain("<script>alert(1)");
        anchored.ShouldContain("<h2 id=\"sankey-h\">Before &lt;script&gt;alert(1)&lt;/script&gt;</h2>");
        Rows(anchored, "list compact sankey-links").ShouldBe(["0 Signed Up <script>alert(1)</script> 1"]);
    }
}
