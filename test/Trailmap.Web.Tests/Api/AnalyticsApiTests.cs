using System.Net;
using System.Text.Json;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Api;

/// <summary>Measurements through the API over <see cref="ShopData"/>; every expected number worked out by hand from its eight events.</summary>
public sealed class AnalyticsApiTests : IAsyncLifetime
{
    private readonly WorkspaceFactory factory = new();
    private HttpClient client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await ShopData.ImportAsync(factory, Cancel);
        factory.Service<JourneyStore>().Create(ShopData.Journey, "test");
        client = factory.WithKey(ApiKeyKind.Read, out _);
    }

    public ValueTask DisposeAsync()
    {
        factory.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<JsonElement> GetAsync(string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(path, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        response.StatusCode.ShouldBe(status, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static long[] StepCounts(JsonElement funnel) =>
        [.. funnel.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("customers").GetInt64())];

    [Fact]
    public async Task The_analysis_measures_stages_and_kpis_from_the_events()
    {
        var analysis = await GetAsync("/api/journeys/shop/analysis");
        analysis.GetProperty("customers").GetInt64().ShouldBe(3);
        analysis.GetProperty("events").GetInt64().ShouldBe(8);
        // View 3 (everyone); Cart 2 (u1, u2); Buy after a cart 1 (u1; u3 bought without one).
        analysis.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("reached").GetInt64()).ShouldBe([3L, 2L, 1L]);
        var kpis = analysis.GetProperty("kpis").EnumerateArray().ToDictionary(k => k.GetProperty("id").GetString()!);
        // 2 of 3 viewers carted: 0.667 meets >= 50%. 1 of 2 carts bought: 0.5 misses >= 90%.
        kpis["view-cart"].GetProperty("actual").GetDouble().ShouldBe(2.0 / 3, 1e-9);
        kpis["view-cart"].GetProperty("status").GetString().ShouldBe("met");
        kpis["cart-buy"].GetProperty("actual").GetDouble().ShouldBe(0.5);
        kpis["cart-buy"].GetProperty("status").GetString().ShouldBe("missed");
        analysis.GetProperty("bottleneck").GetProperty("to_stage").GetString().ShouldBe("buy");

        var actuals = await GetAsync("/api/journeys/shop/actuals");
        actuals.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("reached").GetInt64()).ShouldBe([3L, 2L, 1L]);
        actuals.GetProperty("bottleneck").GetString().ShouldBe("buy");
    }

    [Fact]
    public async Task Funnel_takes_the_CLI_parameters()
    {
        // 1d window: u2's cart comes two days after its view, so only u1 reaches Cart (and Buy).
        StepCounts(await GetAsync("/api/funnel?steps=View,Cart,Buy&window=1d")).ShouldBe([3L, 1L, 1L]);
        // The default 14d window lets u2's cart count.
        var twoWeeks = await GetAsync("/api/funnel?steps=View,Cart,Buy");
        StepCounts(twoWeeks).ShouldBe([3L, 2L, 1L]);
        twoWeeks.GetProperty("window_seconds").GetDouble().ShouldBe(14 * 86400);
        // Strict order: u1's Other between View and Cart ends its scan at step 1; u3's Buy skips Cart.
        StepCounts(await GetAsync("/api/funnel?steps=View,Cart,Buy&mode=strict-order")).ShouldBe([3L, 1L, 0L]);
        // From 2 January only u2's Cart is left, and it has no View before it.
        StepCounts(await GetAsync("/api/funnel?steps=View,Cart&from=2026-01-02")).ShouldBe([0L, 0L]);
        // Excluding Other removes u1, whose Other falls inside its open chain.
        StepCounts(await GetAsync("/api/funnel?steps=View,Cart&exclude=Other")).ShouldBe([2L, 1L]);
        // Every view is on 1 January: one day, 3 entered, u1 and u2 reach Cart, after 10 min and 2 days.
        var daily = await GetAsync("/api/funnel?steps=View,Cart&over-time=day");
        var day = daily.GetProperty("conversion_over_time").EnumerateArray().ShouldHaveSingleItem();
        (day.GetProperty("start").GetString(), day.GetProperty("entered").GetInt64(), day.GetProperty("converted").GetInt64()).ShouldBe(("2026-01-01", 3L, 2L));
        daily.GetProperty("time_to_convert_histogram").EnumerateArray().Select(b => b.GetProperty("customers").GetInt64()).ShouldBe([0L, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
        (await GetAsync("/api/funnel?steps=View,Cart&over-time=month", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("over-time");
    }

    [Fact]
    public async Task Funnel_steps_take_their_own_windows()
    {
        // Cart within 1h of View: u1's cart (10 min) counts, u2's (two days) does not; u1 buys 10 min after its cart.
        var hour = await GetAsync("/api/funnel?steps=View,Cart,Buy&step-window=2:1h");
        StepCounts(hour).ShouldBe([3L, 1L, 1L]);
        hour.GetProperty("steps")[1].GetProperty("within").GetString().ShouldBe("1h");
        hour.GetProperty("steps")[1].GetProperty("within_seconds").GetDouble().ShouldBe(3600);
        // Buy within 5 min of Cart: u1's buy is 10 min after its cart, so no one buys.
        StepCounts(await GetAsync("/api/funnel?steps=View,Cart,Buy&step-window=3:5m")).ShouldBe([3L, 2L, 0L]);
        // Exactly 10 min is inside a 10 min window (inclusive).
        StepCounts(await GetAsync("/api/funnel?steps=View,Cart,Buy&step-window=3:10m")).ShouldBe([3L, 2L, 1L]);
        var bad = await GetAsync("/api/funnel?steps=View,Cart&step-window=1:1h", HttpStatusCode.BadRequest);
        bad.GetProperty("parameter").GetString().ShouldBe("step-window");
        (await GetAsync("/api/funnel?steps=View,Cart&step-window=2:1h&mode=strict-order", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("step-window");
    }

    private static string[] Ids(JsonElement page) =>
        [.. page.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customer").GetString()!)];

    [Fact]
    public async Task Funnel_people_lists_who_dropped_or_converted_at_a_step()
    {
        // View -> Cart: u1 and u2 carted, u3 did not (it bought without a cart). Cart -> Buy: u1 bought, u2 did not.
        var dropped = await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1");
        (dropped.GetProperty("outcome").GetString(), dropped.GetProperty("total").GetInt64(), dropped.GetProperty("name").GetString()).ShouldBe(("dropped", 1L, "View"));
        Ids(dropped).ShouldBe(["u3"]);
        Ids(await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&outcome=converted")).ShouldBe(["u1", "u2"]);
        Ids(await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=2&outcome=dropped")).ShouldBe(["u2"]);
        Ids(await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=3&outcome=reached")).ShouldBe(["u1"]);

        // Three viewers two to a page: page 2 holds u3 alone; a page past the end is empty.
        var second = await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&outcome=reached&page-size=2&page=2");
        (second.GetProperty("total").GetInt64(), second.GetProperty("pages").GetInt32(), second.GetProperty("page").GetInt32()).ShouldBe((3L, 2, 2));
        Ids(second).ShouldBe(["u3"]);
        Ids(await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&outcome=reached&page-size=2&page=3")).ShouldBeEmpty();

        // The chain times: u2 viewed on 1 January at midnight and carted two days later.
        var u2 = (await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&outcome=converted")).GetProperty("customers")[1];
        u2.GetProperty("reached_at").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        u2.GetProperty("next_step_at").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.Zero));

        // Every one of them as CSV.
        var csv = await client.GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&outcome=converted&format=csv", Cancel);
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        (await csv.Content.ReadAsStringAsync(Cancel)).ShouldBe(
            "customer,reached_at_utc,next_step_at_utc\r\n" +
            "u1,2026-01-01T00:00:00.000000Z,2026-01-01T00:10:00.000000Z\r\n" +
            "u2,2026-01-01T00:00:00.000000Z,2026-01-03T00:00:00.000000Z\r\n");

        // Bad requests name the parameter.
        (await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=3", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("step");
        (await GetAsync("/api/funnel/people?steps=View,Cart,Buy", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("step");
        (await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&outcome=lost", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("outcome");
        (await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&page-size=5000", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("page-size");
        (await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&page=0", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("page");
        (await GetAsync("/api/funnel/people?steps=View,Cart,Buy&step=1&format=xml", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("format");
    }

    [Fact]
    public async Task A_bad_parameter_is_a_400_naming_it()
    {
        var problem = await GetAsync("/api/funnel?steps=View,Cart&window=14x", HttpStatusCode.BadRequest);
        problem.GetProperty("parameter").GetString().ShouldBe("window");
        problem.GetProperty("detail").GetString().ShouldBe("window: '14x': write a duration as a number and a unit: 90s, 30m, 12h, 14d or 2w");

        (await GetAsync("/api/funnel?steps=View", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("steps");
        (await GetAsync("/api/retention?start=View&periods=many", HttpStatusCode.BadRequest)).GetProperty("detail").GetString().ShouldBe("periods: 'many' is not a whole number");
        (await GetAsync("/api/paths?from=View&to=Buy", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("to");
        (await GetAsync("/api/funnel?steps=View,Cart&from=yesterday", HttpStatusCode.BadRequest)).GetProperty("parameter").GetString().ShouldBe("from");
    }

    [Fact]
    public async Task Retention_and_paths_match_the_hand_count()
    {
        var retention = await GetAsync("/api/retention?start=View&return=any&period=day&periods=2");
        var cohort = retention.GetProperty("cohorts").EnumerateArray().Single();
        cohort.GetProperty("cohort").GetString().ShouldBe("2026-01-01");
        cohort.GetProperty("size").GetInt64().ShouldBe(3);
        // Day 0 (first 24h): u1 and u3 came back; day 1: nobody; day 2 (48-72h): u2's cart at exactly 48h.
        cohort.GetProperty("retained").EnumerateArray().Select(r => r.GetInt64()).ShouldBe([2L, 0L, 1L]);

        var paths = (await GetAsync("/api/paths?from=View&depth=1")).GetProperty("paths").EnumerateArray()
            .ToDictionary(p => string.Join(">", p.GetProperty("events").EnumerateArray().Select(e => e.GetString())), p => p.GetProperty("customers").GetInt64());
        // The first event after View: u1 Other, u2 Cart, u3 Buy.
        paths.ShouldBe(new Dictionary<string, long> { ["Other"] = 1, ["Cart"] = 1, ["Buy"] = 1 }, ignoreOrder: true);
    }

    [Fact]
    public async Task Status_counts_events_customers_and_journeys()
    {
        var status = await GetAsync("/api/status");
        status.GetProperty("events").GetInt64().ShouldBe(8);
        status.GetProperty("customers").GetInt64().ShouldBe(3);
        status.GetProperty("journeys").GetInt32().ShouldBe(1);
        // View 3, Buy 2, Cart 2, Other 1.
        status.GetProperty("event_names").EnumerateArray().ToDictionary(e => e.GetProperty("event").GetString()!, e => e.GetProperty("count").GetInt64())
            .ShouldBe(new Dictionary<string, long> { ["View"] = 3, ["Buy"] = 2, ["Cart"] = 2, ["Other"] = 1 }, ignoreOrder: true);
    }

    [Fact]
    public async Task A_viewer_session_reads_the_same_analysis_as_a_read_key()
    {
        var viewer = await factory.SignedInAsync(Role.Viewer, Cancel);
        var response = await viewer.GetAsync("/api/journeys/shop/analysis", Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var fromSession = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        fromSession.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("reached").GetInt64()).ShouldBe([3L, 2L, 1L]);
    }
}
