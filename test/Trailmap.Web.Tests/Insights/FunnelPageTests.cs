using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>
/// The journey's funnel page over <see cref="InsightsData.TrialEvents"/>: signup a b c d e, activate a b c e, pay a e.
/// Every expected number worked out by hand from the events.
/// </summary>
public sealed class FunnelPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(HttpClient Client, string Slug)> OpenAsync(WorkspaceFactory factory)
    {
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        return (await factory.SignedInAsync(Role.Viewer, Cancel), stored.Slug);
    }

    [Fact]
    public async Task The_steps_are_the_maps_stage_funnel()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/funnel", Cancel);

        // 5, 4 (80% of 5, 1 dropped), 2 (40% of 5, 50% of 4, 2 dropped).
        var rows = Rows(html, "list compact funnel-steps");
        rows.Count.ShouldBe(3);
        rows[0].ShouldStartWith("1 Sign up 5 100% – –");
        rows[1].ShouldStartWith("2 Activate 4 80% 80% 1");
        rows[2].ShouldStartWith("3 Pay 2 40% 50% 2");
        html.ShouldContain($"href=\"/journeys/{slug}/funnel\"");
    }

    // plan is a property of a's Signed Up only: team = a (1 entered, 1 paid); (none) = b c d e (4 entered, e paid).
    // team against the rest: pooled 2/5 = 0.4, z = (1 - 1/4) / sqrt(0.4 * 0.6 * (1/1 + 1/4)) = 0.75 / sqrt(0.3) = 1.369.
    [Fact]
    public async Task A_breakdown_shows_each_values_test_against_the_rest()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/funnel?by=plan", Cancel);

        html.ShouldContain("Conversion by plan");
        Row(html, "data-value=\"team\"").ShouldStartWith("team 1 of 1 100% 25% 1.37");
        Row(html, "data-value=\"(none)\"").ShouldStartWith("(none) 1 of 4 25% 100% -1.37");
    }

    // Chains start: a 01-01, b 01-01, c 01-02, d 01-05 (its later signup), e 01-08; a and e paid, each 2 days after
    // signing up (172,800 s: the bin up to 3 days).
    [Fact]
    public async Task Conversion_over_time_and_the_time_to_convert_histogram()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/funnel?over-time=week", Cancel);

        Rows(html, "list compact over-time").ShouldBe(["2024-01-01 4 1 25%", "2024-01-08 1 1 100%"]);
        Row(html, "data-up-to=\"259200\"").ShouldEndWith(" 2");
        Row(html, "data-up-to=\"86400\"").ShouldEndWith(" 0");
        html.ShouldContain("style=\"width: 100%\"");
    }

    // During each entrant's span (unbounded window): b and c answered a survey and dropped; a and e did nothing else
    // before paying; d's page view is before its chain (01-05). Survey Answered: converted 0 of 2, dropped 2 of 3,
    // a zero cell: OR = (0.5 * 1.5) / (2.5 * 2.5) = 0.12. Page Viewed happened in no span: not listed.
    [Fact]
    public async Task The_correlation_analysis_lists_what_goes_with_dropping_off()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var html = await client.GetStringAsync($"/journeys/{slug}/funnel?correlation=on", Cancel);

        Rows(html, "list compact correlations").ShouldHaveSingleItem().ShouldStartWith("Survey Answered 0 of 2 2 of 3 0.12");
    }

    [Fact]
    public async Task A_bad_parameter_is_a_400_that_says_what_to_write()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var response = await client.GetAsync($"/journeys/{slug}/funnel?over-time=month", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("over-time: &quot;month&quot; is not a period; use day or week.");
        (await client.GetAsync($"/journeys/{slug}/funnel?by={new string('x', 201)}", Cancel)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
