using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>The customers list and its CSV carry each customer's personas and traits.</summary>
public sealed class CustomerListProfileTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Two personas by trait: "Team lead" is role lead, "Team plan" is plan team.</summary>
    private const string CrewYaml = """
        version: 1
        id: crew
        title: Crew trial
        personas:
          - id: lead
            name: Team lead
            traits: 'role == "lead"'
          - id: team
            name: Team plan
            traits: 'plan == "team"'
        stages:
          - id: signup
            name: Sign up
            entry: Signed Up
          - id: activate
            name: Activate
            entry: Board Shared
          - id: pay
            name: Pay
            entry: Subscription Started
        """;

    /// <summary>
    /// Stuck between the first and the last stage as of 2024-01-10 (the last event): p since 01-02 in Activate, q
    /// since 01-03 in Sign up, r since 01-04 in Sign up; s paid. Traits: p role lead and plan team (both personas),
    /// q plan solo (none), r role lead (Team lead), and country on p and s only. Columns: the personas' traits first
    /// in name order (plan, role), then the others by how many customers have them (country: 2).
    /// </summary>
    private const string CrewEvents = """
        {"type":"track","userId":"p","event":"Signed Up","messageId":"p1","timestamp":"2024-01-01T00:00:00Z"}
        {"type":"track","userId":"p","event":"Board Shared","messageId":"p2","timestamp":"2024-01-02T00:00:00Z"}
        {"type":"identify","userId":"p","messageId":"p3","timestamp":"2024-01-01T00:00:00Z","traits":{"role":"lead","plan":"team","country":"FR"}}
        {"type":"track","userId":"q","event":"Signed Up","messageId":"q1","timestamp":"2024-01-03T00:00:00Z"}
        {"type":"identify","userId":"q","messageId":"q2","timestamp":"2024-01-03T00:00:00Z","traits":{"plan":"solo"}}
        {"type":"track","userId":"r","event":"Signed Up","messageId":"r1","timestamp":"2024-01-04T00:00:00Z"}
        {"type":"identify","userId":"r","messageId":"r2","timestamp":"2024-01-04T00:00:00Z","traits":{"role":"lead"}}
        {"type":"track","userId":"s","event":"Signed Up","messageId":"s1","timestamp":"2024-01-01T00:00:00Z"}
        {"type":"track","userId":"s","event":"Board Shared","messageId":"s2","timestamp":"2024-01-01T01:00:00Z"}
        {"type":"track","userId":"s","event":"Subscription Started","messageId":"s3","timestamp":"2024-01-10T00:00:00Z"}
        {"type":"identify","userId":"s","messageId":"s4","timestamp":"2024-01-01T00:00:00Z","traits":{"country":"DE","plan":"team"}}
        """;

    [Fact]
    public async Task The_list_shows_personas_and_trait_columns_and_the_CSV_exports_them()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, CrewYaml, CrewEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/customers", Cancel);

        Text(html[html.IndexOf("<table class=\"list customers\"", StringComparison.Ordinal)..html.IndexOf("<tbody>", StringComparison.Ordinal)])
            .ShouldBe("Customer Current stage Entered In stage Personas plan role country");
        Rows(html, "list customers").ShouldBe(
        [
            "p Activate 2024-01-02 00:00:00 UTC 1.1w Team lead, Team plan team lead FR",
            "q Sign up 2024-01-03 00:00:00 UTC 1w none solo",
            "r Sign up 2024-01-04 00:00:00 UTC 6d Team lead lead",
        ]);

        var response = await client.GetAsync($"/journeys/{stored.Slug}/customers.csv", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldBe(
            "customer,stage,stage_name,entered_utc,seconds_in_stage,health,band,weakest,personas,trait:plan,trait:role,trait:country\r\n"
            + "p,activate,Activate,2024-01-02T00:00:00Z,691200,,,,Team lead; Team plan,team,lead,FR\r\n"
            + "q,signup,Sign up,2024-01-03T00:00:00Z,604800,,,,,solo,,\r\n"
            + "r,signup,Sign up,2024-01-04T00:00:00Z,518400,,,,Team lead,,lead,\r\n");
    }

    [Fact]
    public async Task A_customers_timeline_shows_the_personas_the_list_shows_and_none_when_no_persona_matches()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, CrewYaml, CrewEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        async Task<string> PersonasLine(string id)
        {
            var html = await client.GetStringAsync($"/journeys/{stored.Slug}/customers/{id}", Cancel);
            var start = html.IndexOf("<p class=\"customer-personas\">", StringComparison.Ordinal);
            start.ShouldBeGreaterThanOrEqualTo(0, id);
            return Text(html[start..html.IndexOf("</p>", start, StringComparison.Ordinal)]);
        }

        // CrewEvents' comment: p has role lead and plan team (both), r role lead only, q plan solo (neither); s paid
        // and has plan team.
        (await PersonasLine("p")).ShouldBe("Personas Team lead Team plan");
        (await PersonasLine("r")).ShouldBe("Persona Team lead");
        (await PersonasLine("q")).ShouldBe("Personas none: the customer's traits match no persona's trait filter");
        (await PersonasLine("s")).ShouldBe("Persona Team plan");

        // A journey whose personas have no trait filter has nothing to match: its timelines say nothing of personas.
        using var other = new WorkspaceFactory();
        var trial = await SeedAsync(other, TrialYaml, TrialEvents, Cancel);
        var viewer = await other.SignedInAsync(Role.Viewer, Cancel);
        (await viewer.GetStringAsync($"/journeys/{trial.Slug}/customers/a", Cancel)).ShouldNotContain("customer-personas");
    }

    [Fact]
    public async Task Persona_names_are_escaped_on_the_timeline()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, CrewYaml.Replace("name: Team lead", "name: \"<b>Team</b> & lead\"", StringComparison.Ordinal), CrewEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/customers/r", Cancel);

        html.ShouldContain("<span class=\"tag persona\">&lt;b&gt;Team&lt;/b&gt; &amp; lead</span>");
        html.ShouldNotContain("<b>Team</b>");
    }
}
