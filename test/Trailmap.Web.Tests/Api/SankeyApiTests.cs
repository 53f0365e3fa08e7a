using System.Net;
using System.Text.Json;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Api;

/// <summary>
/// <c>GET /api/paths/sankey</c> over <see cref="ShopData"/>. After each customer's View: u1 Other then Cart, u2 Cart,
/// u3 Buy. Every expected node and link worked out by hand from those rows.
/// </summary>
public sealed class SankeyApiTests : IAsyncLifetime
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

    private static string Nodes(JsonElement s) => string.Join(" | ", s.GetProperty("nodes").EnumerateArray().Select(n =>
        $"{n.GetProperty("id").GetInt32()}:{n.GetProperty("step").GetInt32()}:{(n.GetProperty("other").GetBoolean() ? "*" : "")}{n.GetProperty("event").GetString()}={n.GetProperty("customers").GetInt64()}"));

    private static string Links(JsonElement s) => string.Join(" ", s.GetProperty("links").EnumerateArray().Select(l =>
        $"{l.GetProperty("source").GetInt32()}>{l.GetProperty("target").GetInt32()}={l.GetProperty("customers").GetInt64()}"));

    // Every node kept (share 0): step 1 Buy, Cart, Other (one each, by name), step 2 Cart (u1).
    [Fact]
    public async Task Every_node_and_link_matches_the_hand_count()
    {
        var sankey = await GetAsync("/api/paths/sankey?from=View&depth=2&min-share=0");

        sankey.GetProperty("anchor").GetString().ShouldBe("View");
        sankey.GetProperty("direction").GetString().ShouldBe("from");
        sankey.GetProperty("customers").GetInt64().ShouldBe(3);
        Nodes(sankey).ShouldBe("0:0:View=3 | 1:1:Buy=1 | 2:1:Cart=1 | 3:1:Other=1 | 4:2:Cart=1");
        Links(sankey).ShouldBe("0>1=1 0>2=1 0>3=1 3>4=1");
    }

    // At 40% of 3 customers (1.2) no single event is kept: step 1 is one "other" of 3, step 2 one of 1.
    [Fact]
    public async Task Events_under_the_minimum_share_are_grouped_as_other()
    {
        var sankey = await GetAsync("/api/paths/sankey?from=View&depth=2&min-share=40%25");

        Nodes(sankey).ShouldBe("0:0:View=3 | 1:1:*other=3 | 2:2:*other=1");
        Links(sankey).ShouldBe("0>1=3 1>2=1");
        sankey.GetProperty("min_share").GetDecimal().ShouldBe(0.4m);
    }

    // View then Cart within a day: u1 converts (10 min); u2 carts two days later and u3 never: both drop at step 1.
    // After their View: u2 Cart, u3 Buy.
    [Fact]
    public async Task Dropped_at_follows_the_customers_who_dropped()
    {
        var sankey = await GetAsync("/api/paths/sankey?steps=View,Cart&window=1d&dropped-at=1&min-share=0");

        sankey.GetProperty("customers").GetInt64().ShouldBe(2);
        Nodes(sankey).ShouldBe("0:0:View=2 | 1:1:Buy=1 | 2:1:Cart=1");
        Links(sankey).ShouldBe("0>1=1 0>2=1");
    }

    [Theory]
    [InlineData("/api/paths/sankey", "from", "give exactly one of from EVENT (what follows it) or to EVENT (what precedes it)")]
    [InlineData("/api/paths/sankey?from=View&min-share=2", "min-share", "'2' is not a share; write a fraction from 0 to 1 (0.05) or a percentage (5%)")]
    [InlineData("/api/paths/sankey?from=View&depth=21", "depth", "takes 1 to 20 steps; 21 is out of range")]
    [InlineData("/api/paths/sankey?steps=View,Cart&dropped-at=2", "dropped-at", "'2' is not a step customers can drop at; give 1 to 1 (the last step has no next one)")]
    [InlineData("/api/paths/sankey?from=View&steps=View,Cart", "steps", "a Sankey from or to an event reads no funnel; add dropped-at=N for the paths of a step's drop-off")]
    [InlineData("/api/paths/sankey?from=View&dropped-at=1&steps=View,Cart", "from", "the paths of a step's drop-off start at that step; leave out from and to")]
    public async Task Bad_parameters_are_a_400_naming_the_parameter(string path, string parameter, string message)
    {
        var problem = await GetAsync(path, HttpStatusCode.BadRequest);

        problem.GetProperty("parameter").GetString().ShouldBe(parameter);
        problem.GetProperty("detail").GetString().ShouldBe($"{parameter}: {message}");
    }
}
