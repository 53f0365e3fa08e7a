using System.Net;
using Trailmap.Journeys;
using Trailmap.Web.Accounts;
using Trailmap.Web.Insights;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>
/// Defining a cohort on the web: the form writes it into the journey file's cohorts: section as a new version (the
/// rest of the file as written), the Cohorts tab then counts its members, and every bad field is named.
/// </summary>
public sealed class CohortFormTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Over InsightsData.TrialEvents: shared a board within a day of their first Signed Up, and never answered the
    // survey: a (shared at +2h) and e (+30 min). b shared within a day but answered; c shared 3 days later; d never
    // shared; f and g never signed up. So 2 members, worked out by hand.
    [Fact]
    public async Task A_behavioural_cohort_saved_from_the_form_is_a_new_version_and_counted_on_the_cohorts_tab()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        (await client.GetStringAsync($"/journeys/{stored.Slug}/cohorts", Cancel)).ShouldContain($"href=\"/journeys/{stored.Slug}/cohorts/new\"");

        var response = await WorkspaceFactory.PostFormAsync(client, $"/journeys/{stored.Slug}/cohorts/new", new()
        {
            ["baseVersion"] = "1",
            ["id"] = "quick",
            ["name"] = "Quick: sharers",
            ["kind"] = "rules",
            ["did[0].event"] = "Board Shared",
            ["did[0].of"] = "Signed Up",
            ["did[0].within"] = "1d",
            ["did_not[0].event"] = "Survey Answered",
        }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(Cancel));

        var journeys = factory.Service<JourneyStore>();
        var latest = journeys.Latest(journeys.Find(stored.Slug)!);
        latest.Version.ShouldBe(2);
        latest.Yaml.ShouldStartWith(TrialYaml.ReplaceLineEndings("\n"));
        var cohort = JourneyFile.FromText(latest.Yaml).Journey!.FindCohort("quick")!;
        cohort.Name.ShouldBe("Quick: sharers");
        cohort.Did.Single().ToString().ShouldBe("Board Shared within 1d of Signed Up");
        cohort.DidNot.Single().ToString().ShouldBe("Survey Answered");

        var page = await client.GetStringAsync($"/journeys/{stored.Slug}/cohorts", Cancel);
        var row = page[page.IndexOf("data-cohort=\"quick\"", StringComparison.Ordinal)..];
        row[..row.IndexOf("</tr>", StringComparison.Ordinal)].ShouldContain("<td class=\"num\">2</td>");
    }

    [Fact]
    public async Task Every_bad_field_is_named_and_nothing_is_saved()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var response = await WorkspaceFactory.PostFormAsync(client, $"/journeys/{stored.Slug}/cohorts/new", new()
        {
            ["baseVersion"] = "1",
            ["id"] = "<b>bad id",
            ["kind"] = "rules",
            ["did[0].event"] = "Board Shared",
            ["did[0].at_least"] = "two",
            ["did[1].event"] = "Signed Up",
            ["did[1].within"] = "7d",
            ["did[2].at_most"] = "3",
            ["traits"] = "plan ==",
        }, Cancel, formPage: $"/journeys/{stored.Slug}/cohorts/new");
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("&quot;&lt;b&gt;bad id&quot; is not an id");
        html.ShouldNotContain("<b>bad id");
        html.ShouldContain("Did row 1, at least</a>: &quot;two&quot; is not a whole number");
        html.ShouldContain("Did row 2, within</a>: A window needs the event it opens at");
        html.ShouldContain("Did row 3, event</a>: Name the event this rule counts.");
        html.ShouldContain("Traits</a>: Not a filter:");
        html.ShouldContain("aria-invalid=\"true\"");
        html.ShouldContain("value=\"Board Shared\""); // the form keeps what was typed

        var journeys = factory.Service<JourneyStore>();
        journeys.Latest(journeys.Find(stored.Slug)!).Version.ShouldBe(1);
    }

    [Fact]
    public async Task A_saved_list_reads_back_id_for_id_and_viewers_cannot_add_cohorts()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var editor = await factory.SignedInAsync(Role.Editor, Cancel);
        var response = await WorkspaceFactory.PostFormAsync(editor, $"/journeys/{stored.Slug}/cohorts/new", new()
        {
            ["baseVersion"] = "1",
            ["id"] = "picked",
            ["kind"] = "list",
            ["ids"] = "a\r\n- e: 'x'\r\n\r\na\r\n",
        }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(Cancel));
        var journeys = factory.Service<JourneyStore>();
        JourneyFile.FromText(journeys.Latest(journeys.Find(stored.Slug)!).Yaml).Journey!.FindCohort("picked")!.Ids.ShouldBe(["a", "- e: 'x'"]);

        using var other = new WorkspaceFactory();
        var viewed = await SeedAsync(other, TrialYaml, TrialEvents, Cancel);
        var viewer = await other.SignedInAsync(Role.Viewer, Cancel);
        (await viewer.GetStringAsync($"/journeys/{viewed.Slug}/cohorts", Cancel)).ShouldNotContain("/cohorts/new");
        (await viewer.GetAsync($"/journeys/{viewed.Slug}/cohorts/new", Cancel)).Headers.Location!.AbsolutePath.ShouldBe("/forbidden");
    }

    // Stuck at activate (reached Board Shared after signing up, not Subscription Started): b (entered 01-02) and c
    // (01-05), longest waiting first; g shared a board without signing up, so never reached the stage.
    [Fact]
    public async Task The_customers_stuck_at_a_stage_start_a_saved_list()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var stage = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/activate", Cancel);
        stage.ShouldContain($"href=\"/journeys/{stored.Slug}/cohorts/new?stage=activate&amp;show=stuck\"");

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/cohorts/new?stage=activate&show=stuck", Cancel);
        html.ShouldContain("name=\"id\" value=\"stuck-at-activate\"");
        html.ShouldContain("value=\"list\" checked");
        html.ShouldContain(">b&#xA;c</textarea>"); // one id a line

        var response = await WorkspaceFactory.PostFormAsync(client, $"/journeys/{stored.Slug}/cohorts/new", new()
        {
            ["baseVersion"] = "1",
            ["id"] = "stuck-at-activate",
            ["kind"] = "list",
            ["ids"] = "\nb\nc",
        }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(Cancel));
        var journeys = factory.Service<JourneyStore>();
        JourneyFile.FromText(journeys.Latest(journeys.Find(stored.Slug)!).Yaml).Journey!.FindCohort("stuck-at-activate")!.Ids.ShouldBe(["b", "c"]);

        (await client.GetAsync($"/journeys/{stored.Slug}/cohorts/new?stage=nowhere", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    // Added after the last entry, before the next section and the comment that leads into it.
    [Fact]
    public void A_cohort_goes_after_the_last_entry_and_everything_else_stays_as_written()
    {
        const string Yaml = "id: j\ntitle: J\nstages:\n  - { id: s, name: S }\ncohorts:\n- id: old   # kept\n  ids: [u1]\n\n# the personas\npersonas: []\n";
        var text = CohortYamlEdit.Add(Yaml, indent => new string(' ', indent) + "- id: new\n" + new string(' ', indent) + "  ids: [u2]\n");
        text.ShouldBe("id: j\ntitle: J\nstages:\n  - { id: s, name: S }\ncohorts:\n- id: old   # kept\n  ids: [u1]\n- id: new\n  ids: [u2]\n\n# the personas\npersonas: []\n");
        CohortYamlEdit.Add("id: j\ncohorts: []\ntitle: J\n", i => new string(' ', i) + "- id: n\n").ShouldBe("id: j\ncohorts:\n  - id: n\ntitle: J\n");
        Should.Throw<CohortEditException>(() => CohortYamlEdit.Add("id: j\ncohorts: [{ id: a, ids: [x] }]\n", i => ""));
    }
}
