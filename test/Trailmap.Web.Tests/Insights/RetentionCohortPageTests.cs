using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>
/// The retention page cut down to a journey cohort, over <see cref="InsightsData.TrialEvents"/>. quick (shared a
/// board within a day of signing up, never answered the survey) is a and e. Numbers worked out by hand.
/// </summary>
public sealed class RetentionCohortPageTests
{
    private const string Cohorts = """

        cohorts:
          - id: quick
            name: Quick sharers
            did:
              - { event: Board Shared, of: Signed Up, within: 1d }
            did_not: [Survey Answered]
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Weekly cohorts by the first Signed Up (weeks from Monday 2024-01-01), rolling weeks, any return. a (01-01) returns
    // in week 0 and on 01-09 (week 1); e (01-08) in week 0 and at exactly 7 days, 01-15 00:00 (week 1). The data ends
    // 01-15, so e's week 2 (from 01-22) has not begun: a dot.
    [Fact]
    public async Task A_cohort_cuts_the_retention_table_down_to_its_members()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml + Cohorts, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/retention?periods=2&cohort=quick", Cancel);
        Rows(html, "list retention").ShouldBe(["2024-01-01 1 100% 100% 0%", "2024-01-08 1 100% 100% ·"]);
        html.ShouldContain("<option value=\"quick\" selected>Quick sharers</option>");

        var unknown = await client.GetAsync($"/journeys/{stored.Slug}/retention?cohort={Uri.EscapeDataString("<b>slow")}", Cancel);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync(Cancel)).ShouldContain("cohort: this journey has no cohort &quot;&lt;b&gt;slow&quot;; it has quick.");
    }

    // by=cohort:quick: everyone's table, then quick's (a, e) and the rest's (b, c, d; f and g never signed up). Week of
    // 2024-01-01: a, b, c (01-02) and d (first Signed Up 01-03) all do something else within a week (100%); only a
    // comes back in week 1 (01-09: 1 of 4 = 25%); no one in week 2 (from 01-15/01-16/01-17, after the last event but
    // begun for the cohort's a: 0%). Week of 01-08: e alone, as above. The rest have no one in the week of 01-08.
    [Fact]
    public async Task A_cohort_breakdown_shows_everyone_then_the_members_and_the_rest()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml + Cohorts, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/retention?periods=2&by=cohort:quick", Cancel);
        Part(html, "all").ShouldBe(["2024-01-01 4 100% 25% 0%", "2024-01-08 1 100% 100% ·"]);
        Part(html, "in quick").ShouldBe(["2024-01-01 1 100% 100% 0%", "2024-01-08 1 100% 100% ·"]);
        Part(html, "not in quick").ShouldBe(["2024-01-01 3 100% 0% 0%"]);
        html.ShouldContain("<option value=\"cohort:quick\" selected>Quick sharers against the rest</option>");

        var wrong = await client.GetAsync($"/journeys/{stored.Slug}/retention?by=plan", Cancel);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync(Cancel)).ShouldContain("by: &quot;plan&quot; is not a breakdown of retention; it breaks down by a cohort only: by=cohort:ID.");
        var unknown = await client.GetAsync($"/journeys/{stored.Slug}/retention?by=cohort:slow", Cancel);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync(Cancel)).ShouldContain("by: this journey has no cohort &quot;slow&quot;; it has quick.");
    }

    // The rows of the table under the heading of one breakdown value.
    private static List<string> Part(string html, string value)
    {
        var at = html.IndexOf($"data-breakdown=\"{value}\"", StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, $"no part {value}");
        return Rows(html[at..], "list retention");
    }
}
