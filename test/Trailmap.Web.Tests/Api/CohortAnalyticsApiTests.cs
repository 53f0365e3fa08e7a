using System.Net;
using System.Text.Json;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Api;

/// <summary>
/// A journey's cohorts on <c>GET /api/funnel</c> and <c>GET /api/retention</c>, over
/// <see cref="Insights.InsightsData.TrialEvents"/>. quick (shared a board within a day of signing up, never answered
/// the survey) is a and e. Every number worked out by hand from the events.
/// </summary>
public sealed class CohortAnalyticsApiTests
{
    private const string Cohorts = """

        cohorts:
          - id: quick
            name: Quick sharers
            did:
              - { event: Board Shared, of: Signed Up, within: 1d }
            did_not: [Survey Answered]
        """;

    private const string Steps = "steps=Signed+Up,Board+Shared,Subscription+Started";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(HttpClient Client, string Slug)> OpenAsync(WorkspaceFactory factory)
    {
        var stored = await SeedAsync(factory, TrialYaml + Cohorts, TrialEvents, Cancel);
        return (await factory.SignedInAsync(Role.Viewer, Cancel), stored.Slug);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(path, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        response.StatusCode.ShouldBe(status, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static long[] Counts(JsonElement steps) => [.. steps.EnumerateArray().Select(s => s.GetProperty("customers").GetInt64())];

    private static string Rows(JsonElement cohorts) => string.Join(" | ", cohorts.EnumerateArray().Select(c =>
        $"{c.GetProperty("cohort").GetString()} {c.GetProperty("size").GetInt64()} [{string.Join(",", c.GetProperty("retained").EnumerateArray().Select(r => r.GetInt64()))}]"));

    // Within 14 d: a and e sign up, share and pay (3 steps); b and c share, never pay (2); d only signs up (1); f and
    // g never sign up. Everyone: 5, 4, 2. Only quick (a, e): 2, 2, 2. The rest: b c d: 3, 2, 0.
    [Fact]
    public async Task A_cohort_filters_and_breaks_down_the_funnel()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        Counts((await GetAsync(client, $"/api/funnel?{Steps}")).GetProperty("steps")).ShouldBe([5L, 4L, 2L]);
        Counts((await GetAsync(client, $"/api/funnel?{Steps}&journey={slug}&cohort=quick")).GetProperty("steps")).ShouldBe([2L, 2L, 2L]);

        var split = await GetAsync(client, $"/api/funnel?{Steps}&journey={slug}&by=cohort:quick");
        split.GetProperty("breakdown").GetString().ShouldBe("cohort:quick");
        Counts(split.GetProperty("steps")).ShouldBe([5L, 4L, 2L]);
        Counts(split.GetProperty("breakdowns").GetProperty("in quick")).ShouldBe([2L, 2L, 2L]);
        Counts(split.GetProperty("breakdowns").GetProperty("not in quick")).ShouldBe([3L, 2L, 0L]);
    }

    // Rolling weeks from each first Signed Up; cohorts by the week (from Monday 2024-01-01) of that start.
    // a (01-01): shares and pays in week 0, views a page on 01-09 (week 1). e (01-08): week 0 the same, and a page view
    // at exactly 7 days (01-15 00:00), which is week 1. b (01-01), c (01-02), d (01-03): returns in week 0 only.
    // Everyone: 2024-01-01 a b c d 4 [4,1,0]; 2024-01-08 e 1 [1,1,0]. quick: [1,1,0] each. The rest: 3 [3,0,0].
    [Fact]
    public async Task A_cohort_filters_and_breaks_down_retention()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);
        const string Retention = "/api/retention?start=Signed+Up&period=week&periods=2";

        Rows((await GetAsync(client, Retention)).GetProperty("cohorts")).ShouldBe("2024-01-01 4 [4,1,0] | 2024-01-08 1 [1,1,0]");
        Rows((await GetAsync(client, $"{Retention}&journey={slug}&cohort=quick")).GetProperty("cohorts")).ShouldBe("2024-01-01 1 [1,1,0] | 2024-01-08 1 [1,1,0]");

        var split = await GetAsync(client, $"{Retention}&journey={slug}&by=cohort:quick");
        split.GetProperty("breakdown").GetString().ShouldBe("cohort:quick");
        Rows(split.GetProperty("cohorts")).ShouldBe("2024-01-01 4 [4,1,0] | 2024-01-08 1 [1,1,0]");
        Rows(split.GetProperty("breakdowns").GetProperty("in quick")).ShouldBe("2024-01-01 1 [1,1,0] | 2024-01-08 1 [1,1,0]");
        Rows(split.GetProperty("breakdowns").GetProperty("not in quick")).ShouldBe("2024-01-01 3 [3,0,0]");
    }

    [Fact]
    public async Task A_cohort_without_its_journey_or_unknown_is_a_400_naming_the_parameter()
    {
        using var factory = new WorkspaceFactory();
        var (client, slug) = await OpenAsync(factory);

        var missing = await GetAsync(client, $"/api/funnel?{Steps}&cohort=quick", HttpStatusCode.BadRequest);
        missing.GetProperty("parameter").GetString().ShouldBe("journey");

        var unknown = await GetAsync(client, $"/api/retention?start=Signed+Up&journey={slug}&cohort=slow", HttpStatusCode.BadRequest);
        unknown.GetProperty("detail").GetString().ShouldBe($"cohort: the journey '{slug}' has no cohort 'slow'; it has quick");

        var noJourney = await GetAsync(client, $"/api/funnel?{Steps}&journey=nope&by=cohort:quick", HttpStatusCode.BadRequest);
        noJourney.GetProperty("detail").GetString().ShouldBe("journey: 'nope': no journey has this slug");

        var by = await GetAsync(client, "/api/retention?start=Signed+Up&by=plan", HttpStatusCode.BadRequest);
        by.GetProperty("detail").GetString().ShouldBe("by: 'plan': retention breaks down by a cohort only; write by=cohort:ID");
    }
}
