using Trailmap.Analytics.Funnels;
using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Funnels;

/// <summary>Breakdown significance, worked out by hand (and z's tail with Python's math.erfc).</summary>
public sealed class FunnelSignificanceTests
{
    private const long S = TestLogs.Second;

    /// <summary>Entrants with plan=<paramref name="plan"/> (none: no property), <paramref name="converted"/> of whom go on to b.</summary>
    private static void Add(EventLogBuilder b, string plan, int entered, int converted, ref int seq)
    {
        for (var i = 0; i < entered; i++)
        {
            var customer = $"{plan}-{i:00}";
            b.Add(customer, "a", 0, seq++, plan == "none" ? null : new Dictionary<string, object?> { ["plan"] = plan });
            if (i < converted)
            {
                b.Add(customer, "b", S, seq++, null);
            }
        }
    }

    // 35 entrants, 16 convert. pro 8/10 against the rest 8/25: pooled 16/35, z = (0.8 - 0.32) / sqrt(16/35 * 19/35 *
    // (1/10 + 1/25)) = 0.48 / 0.186394 = 2.57519, p = erfc(2.57519 / sqrt 2) = 0.0100186. free 6/20 against 10/15:
    // z = -2.15491, p = 0.0311688. (none) 2/5 against 14/30: z = -0.277046, p = 0.781745. Holm (m = 3): pro 3 * 0.0100186
    // = 0.0300559 (significant), free max(0.0300559, 2 * 0.0311688) = 0.0623376 (not), (none) 0.781745 (not).
    [Fact]
    public void Each_value_is_tested_against_the_rest_and_corrected_for_the_number_of_values()
    {
        var b = new EventLogBuilder();
        var seq = 0;
        Add(b, "pro", 10, 8, ref seq);
        Add(b, "free", 20, 6, ref seq);
        Add(b, "none", 5, 2, ref seq);
        var result = FunnelEngine.Run(b.Build(), new FunnelSpec { Steps = [new("a"), new("b")], BreakdownProperty = "plan" });

        var tests = FunnelSignificance.Of(result)!;

        tests.Select(t => t.Value).ShouldBe(["(none)", "free", "pro"]);
        var pro = tests[2];
        (pro.Entered, pro.Converted, pro.RestEntered, pro.RestConverted).ShouldBe((10L, 8L, 25L, 8L));
        (pro.Rate, pro.RestRate).ShouldBe((0.8, 0.32));
        pro.Z!.Value.ShouldBe(2.5751852258368566, 1e-12);
        pro.PValue.ShouldBe(0.010018641854584455, 1e-14);
        pro.AdjustedPValue.ShouldBe(0.030055925563753368, 1e-14);
        pro.Significant.ShouldBeTrue();
        tests[1].Z!.Value.ShouldBe(-2.1549107524157916, 1e-12);
        tests[1].PValue.ShouldBe(0.03116881881121988, 1e-14);
        tests[1].AdjustedPValue.ShouldBe(0.06233763762243976, 1e-14);
        tests[1].Significant.ShouldBeFalse("0.031 is below 0.05 alone, not once three values are tested");
        tests[0].AdjustedPValue.ShouldBe(0.7817449238792692, 1e-14);
        tests[0].Significant.ShouldBeFalse();
    }

    // One value only: there is no rest to compare with. All converted: the pooled rate is 1, no variance.
    [Fact]
    public void No_test_without_a_rest_or_without_variance()
    {
        var b = new EventLogBuilder();
        var seq = 0;
        Add(b, "pro", 3, 1, ref seq);
        var alone = FunnelSignificance.Of(FunnelEngine.Run(b.Build(), new FunnelSpec { Steps = [new("a"), new("b")], BreakdownProperty = "plan" }))!;
        alone.ShouldHaveSingleItem().Z.ShouldBeNull();
        alone[0].PValue.ShouldBe(1);
        alone[0].Significant.ShouldBeFalse();

        var all = new EventLogBuilder();
        seq = 0;
        Add(all, "pro", 2, 2, ref seq);
        Add(all, "free", 3, 3, ref seq);
        FunnelSignificance.Of(FunnelEngine.Run(all.Build(), new FunnelSpec { Steps = [new("a"), new("b")], BreakdownProperty = "plan" }))!
            .ShouldAllBe(t => t.Z == null && t.AdjustedPValue == 1);
        FunnelSignificance.Of(FunnelEngine.Run(all.Build(), new FunnelSpec { Steps = [new("a"), new("b")] })).ShouldBeNull();
    }
}
