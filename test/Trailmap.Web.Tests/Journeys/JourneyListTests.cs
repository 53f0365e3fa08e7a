using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using Trailmap.Web.Tests.Insights;

namespace Trailmap.Web.Tests.Journeys;

public sealed class JourneyListTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_list_shows_each_journeys_owner_and_kpis_on_target_and_searches_titles_ids_and_owners()
    {
        using var factory = new WorkspaceFactory();
        var yaml = InsightsData.TrialYaml.Replace("title: Trial to paid\n", "title: Trial to paid\nowner: maya@example.test\n", StringComparison.Ordinal);
        yaml.ShouldContain("owner: maya@example.test");
        var stored = await InsightsData.SeedAsync(factory, yaml, InsightsData.TrialEvents, Cancel);
        factory.Service<JourneyStore>().Create(TemplateCatalog.ReadYaml("saas-trial"), "test");
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        await client.GetStringAsync($"/journeys/{stored.Slug}", Cancel);

        var list = await client.GetStringAsync("/journeys", Cancel);

        var trial = Row(list, stored.Slug);
        trial.ShouldContain("<td class=\"owner\">maya@example.test</td>");
        // InsightsData.TrialYaml's KPIs on its events: activation met, CSAT missed, activation to paid at risk,
        // revenue without data; one of four on target.
        trial.ShouldContain("<td class=\"kpis\">1 of 4</td>");
        Row(list, "saas-trial").ShouldContain("<td class=\"owner\">growth@example.com</td>");

        var byOwner = await client.GetStringAsync("/journeys?q=MAYA", Cancel);
        byOwner.ShouldContain($"<tr data-slug=\"{stored.Slug}\">");
        byOwner.ShouldNotContain("<tr data-slug=\"saas-trial\">");
        var bySlug = await client.GetStringAsync("/journeys?q=saas-tri", Cancel);
        bySlug.ShouldContain("<tr data-slug=\"saas-trial\">");
        bySlug.ShouldNotContain($"<tr data-slug=\"{stored.Slug}\">");
        var none = await client.GetStringAsync("/journeys?q=nothing-like-this", Cancel);
        none.ShouldContain("No journey matches");
        none.ShouldContain(">Show all</a>");
    }

    private static string Row(string html, string slug)
    {
        var start = html.IndexOf($"<tr data-slug=\"{slug}\">", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, slug);
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
