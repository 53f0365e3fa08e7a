using System.Net;
using System.Text.Json;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>
/// A journey's cohorts on the web and in the API, over <see cref="InsightsData.TrialEvents"/>. quick: shared a board
/// within a day of signing up and never answered the survey. a (2 h), b (exactly 1 day, inclusive) and e (30 min)
/// shared in time; b answered the survey, so quick is a and e. surveyed: b and c. Every number worked out by hand.
/// </summary>
public sealed class CohortPageTests
{
    private const string Cohorts = """

        cohorts:
          - id: quick
            name: Quick sharers
            did:
              - { event: Board Shared, of: Signed Up, within: 1d }
            did_not: [Survey Answered]
          - id: surveyed
            did: [Survey Answered]
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(HttpClient Client, string Slug)> OpenAsync(WorkspaceFactory factory)
    {
        var stored = await SeedAsync(factory, TrialYaml + Cohorts, TrialEvents, Cancel);
        return (await factory.SignedInAsync(Role.Viewer, Cancel), stored.Slug);
    }

    // Weeks from Monday 2024-01-01 to the last event (01-15). quick at the end of week 1: a only (e signs up 01-08);
    // then a and e. surveyed: b (01-02) and c (01-06) from week 1 on.
    [Fact]
    public async Task The_cohorts_page_lists_each_cohort_with_its_members_and_weekly_sizes()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/cohorts", Cancel);

        Row(html, "data-cohort=\"quick\"").ShouldStartWith("Quick sharers quick did Board Shared within 1d of Signed Up; did not Survey Answered 2");
        html.ShouldContain("aria-label=\"Members at the end of each week, oldest first: 1, 2, 2\"");
        Row(html, "data-cohort=\"surveyed\"").ShouldStartWith("surveyed did Survey Answered 2");
        html.ShouldContain("aria-label=\"Members at the end of each week, oldest first: 2, 2, 2\"");
        html.ShouldContain($"href=\"/journeys/{slug}/funnel?cohort=quick\"");
        html.ShouldContain($"href=\"/journeys/{slug}/cohorts\"");
    }

    // Only quick (a, e): both sign up, share and pay. Broken down: in quick 2 of 2 paid; the rest b c d, 0 of 3.
    // Pooled 2/5 = 0.4: z = (1 - 0) / sqrt(0.4 * 0.6 * (1/2 + 1/3)) = 1 / sqrt(0.2) = 2.236.
    [Fact]
    public async Task A_cohort_filters_and_breaks_down_the_funnel_page()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var only = await client.GetStringAsync($"/journeys/{slug}/funnel?cohort=quick", Cancel);
        var rows = Rows(only, "list compact funnel-steps");
        rows[0].ShouldStartWith("1 Sign up 2 100%");
        rows[1].ShouldStartWith("2 Activate 2 100% 100% 0");
        rows[2].ShouldStartWith("3 Pay 2 100% 100% 0");

        var split = await client.GetStringAsync($"/journeys/{slug}/funnel?by=cohort:quick", Cancel);
        Row(split, "data-value=\"in quick\"").ShouldStartWith("in quick 2 of 2 100% 0% 2.24");
        Row(split, "data-value=\"not in quick\"").ShouldStartWith("not in quick 0 of 3 0% 100% -2.24");

        var unknown = await client.GetAsync($"/journeys/{slug}/funnel?cohort={Uri.EscapeDataString("<b>nope")}", Cancel);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await unknown.Content.ReadAsStringAsync(Cancel);
        body.ShouldContain("cohort: this journey has no cohort &quot;&lt;b&gt;nope&quot;; it has quick, surveyed.");
    }

    [Fact]
    public async Task The_api_lists_the_cohorts_as_the_cli_does()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        using var doc = JsonDocument.Parse(await client.GetStringAsync($"/api/journeys/{slug}/cohorts?weeks=2", Cancel));
        var quick = doc.RootElement.EnumerateArray().First();
        (quick.GetProperty("id").GetString(), quick.GetProperty("kind").GetString(), quick.GetProperty("size").GetInt64()).ShouldBe(("quick", "rules", 2L));
        quick.GetProperty("weekly").EnumerateArray().Select(w => (w.GetProperty("week_of").GetString(), w.GetProperty("size").GetInt64()))
            .ShouldBe([("2024-01-08", 2L), ("2024-01-15", 2L)]);

        (await client.GetAsync($"/api/journeys/{slug}/cohorts?weeks=0", Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync($"/journeys/{slug}/cohorts?weeks=x", Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync("/api/journeys/nope/cohorts", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
