using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Statistics;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Funnels;

/// <summary>
/// Correlation of drop-off, worked out by hand. Funnel a -> c, window 10 s. Converted: u1 a@0 x@1 c@2, u2 a@0 x@1 c@3,
/// u3 a@0 y@1 c@2, u8 a@0 c@1 x@5 (x after its last step: not counted). Dropped: u4 a@0 y@1, u5 a@0 x@12 (after the
/// window: not counted), u6 a@0 y@5. u7 y@0 never entered. Traits plan: u1 u2 u6 pro, u3 u4 u5 free, u8 none.
/// </summary>
public sealed class FunnelCorrelationTests
{
    private static readonly FunnelSpec Spec = new()
    {
        Steps = [new FunnelStep("a"), new FunnelStep("c")],
        Window = Duration.FromSeconds(10),
    };

    private static EventLog Log()
    {
        var b = new EventLogBuilder();
        var seq = 0;
        void Add(string customer, string events)
        {
            foreach (var e in TestLogs.One(events, customer))
            {
                b.Add(e.Customer, e.Name, e.Ts, seq++);
            }
        }

        Add("u1", "a@0 x@1 c@2");
        Add("u2", "a@0 x@1 c@3");
        Add("u3", "a@0 y@1 c@2");
        Add("u4", "a@0 y@1");
        Add("u5", "a@0 x@12");
        Add("u6", "a@0 y@5");
        Add("u7", "y@0");
        Add("u8", "a@0 c@1 x@5");
        static IReadOnlyDictionary<string, object?> Plan(string p) => new Dictionary<string, object?> { ["plan"] = p };
        return b.WithTraits(new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            ["u1"] = Plan("pro"),
            ["u2"] = Plan("pro"),
            ["u6"] = Plan("pro"),
            ["u3"] = Plan("free"),
            ["u4"] = Plan("free"),
            ["u5"] = Plan("free"),
        }).Build();
    }

    private static IReadOnlyList<FunnelCorrelation> Run(string[] traits)
    {
        var log = Log();
        return FunnelCorrelations.Of(log, Spec, FunnelEngine.Run(log, Spec), traits);
    }

    // x: converted with 2 (u1 u2), without 2 (u3 u8); dropped with 0, without 3. A zero cell: 0.5 added to each:
    // OR = (2.5 * 3.5) / (2.5 * 0.5) = 7; SE = sqrt(1/2.5 + 1/2.5 + 1/0.5 + 1/3.5) = sqrt(3.0857142857).
    [Fact]
    public void An_event_of_converters_only_has_the_corrected_odds_ratio()
    {
        var x = Run([]).Single(r => r.Name == "x");
        (x.Kind, x.ConvertedWith, x.ConvertedWithout, x.DroppedWith, x.DroppedWithout).ShouldBe(("event", 2L, 2L, 0L, 3L));
        x.OddsRatio.ShouldBe(7, 1e-12);
        var se = Math.Sqrt(0.4 + 0.4 + 2 + (1 / 3.5));
        x.Z.ShouldBe(Math.Log(7) / se, 1e-12);
        x.CiLow.ShouldBe(Math.Exp(Math.Log(7) - (1.959963984540054 * se)), 1e-12);
        x.CiHigh.ShouldBe(Math.Exp(Math.Log(7) + (1.959963984540054 * se)), 1e-9);
        x.Direction.ShouldBe("conversion");
    }

    // y: converted with 1 (u3), without 3; dropped with 2 (u4 u6), without 1 (u5): OR = (1 * 1) / (3 * 2) = 1/6,
    // SE = sqrt(1 + 1/3 + 1/2 + 1). Neither the steps (a, c) nor u7, who never entered, count.
    [Fact]
    public void An_event_of_drop_offs_has_an_odds_ratio_below_one()
    {
        var rows = Run([]);
        rows.Select(r => r.Name).Order(StringComparer.Ordinal).ShouldBe(["x", "y"]);
        var y = rows.Single(r => r.Name == "y");
        (y.ConvertedWith, y.ConvertedWithout, y.DroppedWith, y.DroppedWithout).ShouldBe((1L, 3L, 2L, 1L));
        y.OddsRatio.ShouldBe(1.0 / 6, 1e-12);
        y.Z.ShouldBe(Math.Log(1.0 / 6) / Math.Sqrt(1 + (1.0 / 3) + 0.5 + 1), 1e-12);
        y.Direction.ShouldBe("drop-off");
    }

    // plan pro: converted u1 u2 (u3 u8 not), dropped u6 (u4 u5 not): OR = (2 * 2) / (2 * 1) = 2. free: converted u3,
    // dropped u4 u5: (1 * 1) / (3 * 2) = 1/6. u8 has no plan and is in neither "with" cell.
    [Fact]
    public void Trait_values_are_tested_like_events()
    {
        var rows = Run(["plan"]).Where(r => r.Kind == "trait").ToDictionary(r => r.Value!);
        rows.Keys.Order(StringComparer.Ordinal).ShouldBe(["free", "pro"]);
        (rows["pro"].ConvertedWith, rows["pro"].ConvertedWithout, rows["pro"].DroppedWith, rows["pro"].DroppedWithout).ShouldBe((2L, 2L, 1L, 2L));
        rows["pro"].OddsRatio.ShouldBe(2, 1e-12);
        rows["free"].OddsRatio.ShouldBe(1.0 / 6, 1e-12);
        rows["pro"].Name.ShouldBe("plan");
    }

    // Four tests (x, y, pro, free): each p is erfc(|z| / sqrt 2), Holm-adjusted over the four, the smallest times 4.
    [Fact]
    public void P_values_are_adjusted_over_every_event_and_trait_value()
    {
        var rows = Run(["plan"]);
        rows.Count.ShouldBe(4);
        foreach (var r in rows)
        {
            r.PValue.ShouldBe(Normal.TwoSidedP(r.Z), 1e-15);
        }

        var smallest = rows.MinBy(r => r.PValue)!;
        smallest.AdjustedPValue.ShouldBe(Math.Min(1, 4 * smallest.PValue), 1e-15);
        rows[0].AdjustedPValue.ShouldBe(rows.Min(r => r.AdjustedPValue));
        rows.ShouldAllBe(r => !r.Significant); // seven entrants cannot make anything significant
    }

    [Fact]
    public void Without_drop_offs_there_is_nothing_to_compare()
    {
        var log = TestLogs.Build(TestLogs.One("a@0 x@1 c@2"));
        FunnelCorrelations.Of(log, Spec, FunnelEngine.Run(log, Spec), []).ShouldBeEmpty();
    }

    [Fact]
    public void An_unordered_funnel_is_refused()
    {
        var log = Log();
        var spec = Spec with { Modes = FunnelModes.Unordered };
        Should.Throw<ArgumentException>(() => FunnelCorrelations.Of(log, spec, FunnelEngine.Run(log, spec), []));
    }
}
