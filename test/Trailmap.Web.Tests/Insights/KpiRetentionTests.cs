using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

public sealed class KpiRetentionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_kpi_board_shows_every_kpi_with_its_status_and_ideal_target()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/kpis", Cancel);

        // The hand-computed actuals are in TrialYaml's comment: one KPI in each status.
        Row(html, "data-kpi=\"activation\"").ShouldBe("Signup to activation conversion · 4 of 5 customers Activate >= 50% 80% met >= 90% missed");
        Row(html, "data-kpi=\"csat\"").ShouldBe("Onboarding CSAT csat · 1 satisfied of 2 answers Activate >= 80% 50% missed –");
        Row(html, "data-kpi=\"paid\"").ShouldBe("Activation to paid conversion · 2 of 5 customers Pay >= 44% 40% at risk –");
        Row(html, "data-kpi=\"revenue\"").ShouldBe("Revenue sum · no events with that property journey >= 100 no data no data –");
        // One KPI in each status.
        foreach (var status in new[] { "met", "at-risk", "missed", "no-data" })
        {
            html.ShouldContain($"<strong class=\"count-{status}\">1</strong>");
        }

        html.ShouldContain($"href=\"/journeys/{stored.Slug}/stages/activate\"");
    }

    [Fact]
    public async Task A_kpi_measured_without_a_target_shows_its_actual_and_no_target()
    {
        using var factory = new WorkspaceFactory();
        var yaml = TrialYaml + "\n  - { id: signups, name: Signups, type: count, event: Signed Up }";
        var stored = await SeedAsync(factory, yaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/kpis", Cancel);

        // Signed Up events: a, b, c, d twice, e = 6; no target to meet, so "no target", not "no data".
        Row(html, "data-kpi=\"signups\"").ShouldBe("Signups count · 6 events journey – 6 no target –");
        html.ShouldContain("<strong class=\"count-target\">1</strong>");
        // Revenue still has nothing to measure: the only "no data".
        html.ShouldContain("<strong class=\"count-no-data\">1</strong>");
    }

    [Fact]
    public async Task Retention_groups_customers_by_the_week_of_their_first_stage_entry()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/retention?periods=3", Cancel);

        // Week of Mon 2024-01-01: a b c d signed up (01-01..01-03). Week 0: all four did something within 7 days
        // (a shared a board, b too, c too, d viewed pricing) = 100%; week 1 (7-14 days after signing up): only a's page
        // views on 01-09 (8 days) = 25%; week 2 starts 01-15 at the earliest, the last day of data: 0%; week 3 has
        // not begun by 01-15. Week of 2024-01-08: e alone; 01-08 → 01-15 is exactly 7 days: week 1 = 100%.
        Rows(html, "list retention").ShouldBe(
        [
            "2024-01-01 4 100% 25% 0% ·",
            "2024-01-08 1 100% 100% · ·",
        ]);
    }

    [Fact]
    public async Task Retention_can_count_one_return_event_and_a_day_period()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        // Only page views count: d viewed a page 1 day after signing up (week 0), a 8 days after (week 1): 1 of 4 each.
        // e's page view is exactly 7 days after signing up: week 1.
        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/retention?periods=1&return=Page+Viewed", Cancel);
        Rows(html, "list retention").ShouldBe(
        [
            "2024-01-01 4 25% 25%",
            "2024-01-08 1 0% 100%",
        ]);

        // By day, on or after: cohorts are days. 2024-01-01: a and b. a returned on days 0 (board at 2h), 2 and 8;
        // b on days 1 (board 24h later, survey 25h later). Day 0: a (or later: both) = 100%; day 1: a (later) and b = 100%;
        // day 2: a = 50%.
        var days = await client.GetStringAsync($"/journeys/{stored.Slug}/retention?period=day&periods=2&bucket=on-or-after", Cancel);
        Rows(days, "list retention")[0].ShouldBe("2024-01-01 2 100% 100% 50%");
    }

    [Fact]
    public async Task A_retention_kpi_links_to_the_retention_view_of_its_own_definition_and_both_show_the_same_figure()
    {
        using var factory = new WorkspaceFactory();
        var yaml = TrialYaml + "\n  - { id: wk1, name: Week-1 return, type: retention, event: Signed Up, return_event: Page Viewed, period: week, period_number: 1, target: \">= 40%\" }";
        // f's late page view moves the end of the data to 2024-01-29, so both cohorts' week 1 has ended.
        var events = TrialEvents + "\n{\"user_id\":\"f\",\"event\":\"Page Viewed\",\"timestamp\":\"2024-01-29T00:00:00Z\",\"page\":\"home\"}";
        var stored = await SeedAsync(factory, yaml, events, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var board = await client.GetStringAsync($"/journeys/{stored.Slug}/kpis", Cancel);
        var link = $"/journeys/{stored.Slug}/retention?kpi=wk1";
        board.ShouldContain($"href=\"{link}\"");
        var boardFigure = Text(Between(board, "data-kpi=\"wk1\"", "class=\"num actual\">", "</td>"));

        var view = await client.GetStringAsync(link, Cancel);
        var viewFigure = Text(Between(view, "class=\"card kpi-check\"", "class=\"kpi-figure\">", "</strong>"));

        // Week-1 returns by Page Viewed (rolling 7-14 days after the first Signed Up). Cohort of week 2024-01-01: a b c d,
        // a viewed a page 8 days after = 1 of 4; cohort 2024-01-08: e, 7 days after = 1 of 1. A cohort's week 1 has ended
        // 21 days after its first day: 01-22 and 01-29, both by the end (01-29). 2 of 5 = 40%, the same on both pages.
        boardFigure.ShouldBe("40%");
        viewFigure.ShouldBe(boardFigure);
        Text(Between(view, "class=\"card kpi-check\"", "(", ")")).ShouldBe("2 of 5 customers in 2 cohorts");
        // The view uses the KPI's definition (the start event and return event, by week), not the first stage's.
        Rows(view, "list retention").ShouldBe(
        [
            "2024-01-01 4 25% 25% 0% 0% 0% · · · ·",
            "2024-01-08 1 0% 100% 0% 0% · · · · ·",
        ]);
        view.Split("kpi-cell").Length.ShouldBe(3);
    }

    [Fact]
    public async Task A_kpi_id_that_is_no_retention_kpi_is_a_named_400()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var response = await client.GetAsync($"/journeys/{stored.Slug}/retention?kpi=activation", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("kpi: this journey has no retention KPI &quot;activation&quot;");
    }

    /// <summary>The text between <paramref name="from"/> and <paramref name="to"/>, after <paramref name="anchor"/>.</summary>
    private static string Between(string html, string anchor, string from, string to)
    {
        var a = html.IndexOf(anchor, StringComparison.Ordinal);
        a.ShouldBeGreaterThanOrEqualTo(0, anchor);
        var start = html.IndexOf(from, a, StringComparison.Ordinal) + from.Length;
        return html[start..html.IndexOf(to, start, StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData("period=fortnight", "period: &quot;fortnight&quot; is not a period; use day, week or month.")]
    [InlineData("periods=0", "periods: &quot;0&quot; is not a whole number from 1 to 52")]
    [InlineData("periods=many", "periods: &quot;many&quot; is not a whole number from 1 to 52")]
    [InlineData("bucket=sometimes", "bucket: &quot;sometimes&quot; is not a bucket; use on")]
    [InlineData("return=Nope", "return: no event is named &quot;Nope&quot; in this workspace&#x27;s data")]
    public async Task Bad_retention_choices_are_named_and_draw_no_table(string query, string message)
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var response = await client.GetAsync($"/journeys/{stored.Slug}/retention?{query}", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain(message);
        html.ShouldNotContain("<table class=\"list retention\"");
    }
}
