using System.Net;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Journeys;

public sealed class JourneyPagesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_viewer_sees_the_journey_list_and_the_map_framed_from_the_same_origin_only()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var list = await client.GetStringAsync("/journeys", Cancel);
        list.ShouldContain($"href=\"/journeys/{stored.Slug}\"");

        var page = await client.GetStringAsync($"/journeys/{stored.Slug}", Cancel);
        page.ShouldContain(WebUtility.HtmlEncode(stored.Title));
        page.ShouldContain("No events yet");

        var map = await client.GetAsync($"/journeys/{stored.Slug}/map.html", Cancel);
        map.StatusCode.ShouldBe(HttpStatusCode.OK);
        map.Headers.GetValues("X-Frame-Options").Single().ShouldBe("SAMEORIGIN");
        map.Headers.GetValues("Content-Security-Policy").Single().ShouldEndWith("frame-ancestors 'self'");
    }

    [Fact]
    public async Task A_journey_no_customer_entered_is_an_empty_state_that_says_what_to_do_not_a_disaster()
    {
        using var factory = new WorkspaceFactory();
        // Events, but none of them the trial journey's first stage's entry event ("Signed Up"): nobody entered it.
        var other = """
            {"user_id":"x1","event":"Page Viewed","timestamp":"2024-01-01T00:00:00Z"}
            {"user_id":"x2","event":"Page Viewed","timestamp":"2024-01-02T00:00:00Z"}
            """;
        var stored = await Insights.InsightsData.SeedAsync(factory, Insights.InsightsData.TrialYaml, other, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var page = Insights.InsightsData.Text(await client.GetStringAsync($"/journeys/{stored.Slug}", Cancel));

        page.ShouldContain("No customer has entered this journey yet");
        page.ShouldContain("The workspace has 2 events, but none of them is the entry event of this journey's first stage");
        page.ShouldContain("Import a file of events");
        page.ShouldContain("Bind each stage to an event");
        page.ShouldContain("KPIs on target no data yet");
        page.ShouldNotContain("Bottleneck");
        page.ShouldNotContain("customers lost");
    }

    [Fact]
    public async Task An_unknown_journey_is_a_404_page_that_links_back()
    {
        using var factory = new WorkspaceFactory();
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var response = await client.GetAsync("/journeys/nope", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("There is no journey &quot;nope&quot;");
    }

    [Fact]
    public async Task Journey_titles_are_escaped_in_the_list()
    {
        using var factory = new WorkspaceFactory();
        var yaml = TemplateCatalog.ReadYaml("saas-trial").Replace("title: ", "title: <script>alert(1)</script> ", StringComparison.Ordinal);
        factory.Service<JourneyStore>().Create(yaml, "test");
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var list = await client.GetStringAsync("/journeys", Cancel);
        list.ShouldNotContain("<script>alert(1)</script>");
        list.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    [Fact]
    public void A_save_that_expects_an_older_version_saves_nothing()
    {
        using var factory = new WorkspaceFactory();
        var store = factory.Service<JourneyStore>();
        var yaml = TemplateCatalog.ReadYaml("saas-trial");
        var v1 = store.Create(yaml, "ada");
        var v2 = store.Save(v1, yaml.Replace("title: SaaS free trial to paid", "title: Trial v2", StringComparison.Ordinal), "ada", "two", expectedVersion: 1);
        v2.Version.ShouldBe(2);

        // Bob started from version 1 too; his save must not land on top of Ada's version 2.
        var conflict = Should.Throw<JourneyConflictException>(() =>
            store.Save(v1, yaml.Replace("title: SaaS free trial to paid", "title: Bob's", StringComparison.Ordinal), "bob", "mine", expectedVersion: 1));
        conflict.Latest.ShouldBe(2);
        store.Find(v1.Slug)!.Version.ShouldBe(2);
        store.Versions(v1.Id).Count.ShouldBe(2);
    }
}
