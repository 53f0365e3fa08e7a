using Microsoft.Extensions.Time.Testing;
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

    [Fact]
    public async Task The_list_shows_each_journeys_health_and_a_thumbnail_of_its_map()
    {
        using var factory = new WorkspaceFactory();
        var trial = await InsightsData.SeedAsync(factory, InsightsData.TrialYaml, InsightsData.TrialEvents, Cancel);
        var health = await InsightsData.SeedAsync(factory, InsightsData.HealthYaml, InsightsData.HealthEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        await client.GetStringAsync($"/journeys/{trial.Slug}", Cancel);
        await client.GetStringAsync($"/journeys/{health.Slug}", Cancel);

        var list = await client.GetStringAsync("/journeys", Cancel);

        // InsightsData.HealthYaml scores everyone in the workspace: h1 10, h2 70, h3 100, and 0 for h4 and the trial's
        // a..g, who never logged in. Average 180 / 11 = 16.4, shown 16 (red); 9 red, 1 yellow, 1 green.
        InsightsData.Text(Cell(Row(list, health.Slug), "health")).ShouldBe("16 9 red · 1 yellow · 1 green");
        Row(list, health.Slug).ShouldContain("<span class=\"band red\">16</span>");
        InsightsData.Text(Cell(Row(list, trial.Slug), "health")).ShouldBe("no health model");

        // TrialYaml's funnel over the whole workspace: Sign up 9 (a..e and HealthEvents' h1..h4 all sent Signed Up),
        // Activate 4, Pay 2. Three 40-px columns; bars 32, 32 * 4/9 = 14.22 and 32 * 2/9 = 7.11 high.
        var thumb = Row(list, trial.Slug);
        thumb.ShouldContain("aria-label=\"Map of 3 stages, customers reached: Sign up 9, Activate 4, Pay 2\"");
        thumb.ShouldContain("<rect class=\"reached\" x=\"1\" y=\"0\" width=\"38\" height=\"32\" rx=\"2\"/>");
        thumb.ShouldContain("<rect class=\"reached\" x=\"41\" y=\"17.78\" width=\"38\" height=\"14.22\" rx=\"2\"/>");
        thumb.ShouldContain("<rect class=\"reached\" x=\"81\" y=\"24.89\" width=\"38\" height=\"7.11\" rx=\"2\"/>");
    }

    [Fact]
    public async Task The_list_shows_when_each_journey_last_changed_and_by_whom()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        using var factory = new WorkspaceFactory(o => o with { Time = time });
        var journeys = factory.Service<JourneyStore>();
        var trial = journeys.Create(InsightsData.TrialYaml, "ann@example.test");
        journeys.Create(InsightsData.HealthYaml, "cid@example.test");
        time.Advance(TimeSpan.FromMinutes(150));
        journeys.Save(trial, InsightsData.TrialYaml.Replace("title: Trial to paid", "title: Trial to paid, edited", StringComparison.Ordinal), "bob@example.test", "Retitled");
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var list = await client.GetStringAsync("/journeys", Cancel);

        // The trial was saved again 2 h 30 min after both were created at 09:00, by someone else.
        InsightsData.Text(Cell(Row(list, "trial"), "changed")).ShouldBe("2026-03-01 11:30 UTC by bob@example.test");
        Row(list, "trial").ShouldContain("<time datetime=\"2026-03-01T11:30:00.0000000Z\">");
        InsightsData.Text(Cell(Row(list, "health"), "changed")).ShouldBe("2026-03-01 09:00 UTC by cid@example.test");
    }

    [Fact]
    public async Task A_copy_gets_a_distinct_title_written_into_its_yaml_and_a_copy_of_a_copy_counts_on()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var yaml = TemplateCatalog.ReadYaml("online-course");
        const string Title = "Online course from first read to advocate";
        yaml.ShouldContain("\ntitle: " + Title + "\n");

        // The same template three times through the gallery's button.
        for (var i = 0; i < 3; i++)
        {
            var created = await WorkspaceFactory.PostFormAsync(client, "/templates/create", new() { ["template"] = "online-course" }, Cancel, formPage: "/templates");
            created.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        }

        journeys.All().Select(j => (j.Slug, j.Title)).OrderBy(j => j.Slug, StringComparer.Ordinal).ShouldBe(
        [
            ("online-course", Title),
            ("online-course-2", Title + " (copy)"),
            ("online-course-3", Title + " (copy 2)"),
        ]);

        // The copy's YAML says the same title, with only that line changed, so a later save keeps it; version 1 says why.
        var copy = journeys.Find("online-course-2")!;
        var version = journeys.Latest(copy);
        version.Yaml.ShouldBe(yaml.Replace("\ntitle: " + Title + "\n", "\ntitle: " + Title + " (copy)\n", StringComparison.Ordinal));
        version.Message.ShouldContain($"titled \"{Title} (copy)\"");
        journeys.Save(copy, version.Yaml.Replace("\nowner: creator@example.com\n", "\nowner: ann@example.test\n", StringComparison.Ordinal), "ann@example.test", "Owner").Title.ShouldBe(Title + " (copy)");

        // A copy of the copy (its YAML as the copy has it) is the next copy, not "(copy) (copy)".
        journeys.Create(journeys.Latest(journeys.Find("online-course-2")!).Yaml, "ann@example.test").Title.ShouldBe(Title + " (copy 3)");

        // The list shows them apart.
        var list = await client.GetStringAsync("/journeys", Cancel);
        list.ShouldContain($">{Title} (copy 2)</a>");
    }

    [Theory]
    [InlineData("A", new string[0], "A")]
    [InlineData("A", new[] { "a" }, "A (copy)")]
    [InlineData("A", new[] { "A", "A (copy)" }, "A (copy 2)")]
    [InlineData("A (copy)", new[] { "A", "A (copy)", "A (copy 2)" }, "A (copy 3)")]
    [InlineData("A (copy 7)", new[] { "A (copy 7)" }, "A (copy)")]
    [InlineData("(copy)", new[] { "(copy)" }, "(copy) (copy)")]
    public void Distinct_titles_count_copies_ignoring_case(string title, string[] taken, string expected) =>
        CopyTitle.Distinct(title, taken).ShouldBe(expected);

    [Theory]
    [InlineData("version: 1\nid: a\ntitle: \"Q: and A\" # kept\nstages: []\n", "Q: and A (copy)", "version: 1\nid: a\ntitle: 'Q: and A (copy)' # kept\nstages: []\n")]
    [InlineData("version: 1\nid: a\ntitle: >\n  Folded\nstages: []\n", "Folded (copy)", null)]
    public void Retitling_replaces_only_the_title_scalar(string yaml, string title, string? expected) =>
        CopyTitle.Retitled(yaml, title).ShouldBe(expected);

    [Fact]
    public void A_journey_nobody_entered_has_empty_columns_in_its_thumbnail()
    {
        var svg = JourneyThumbnail.Svg(["A & B", "C"], null);

        svg.ShouldContain("aria-label=\"Map of 2 stages: A &amp; B, C\"");
        svg.ShouldNotContain("class=\"reached\"");
        svg.ShouldContain("<rect class=\"stage\" x=\"61\" y=\"0\" width=\"58\" height=\"32\" rx=\"2\"/>");
    }

    private static string Cell(string row, string css)
    {
        var start = row.IndexOf($"<td class=\"{css}\">", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, css);
        return row[start..row.IndexOf("</td>", start, StringComparison.Ordinal)];
    }

    private static string Row(string html, string slug)
    {
        var start = html.IndexOf($"<tr data-slug=\"{slug}\">", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, slug);
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
