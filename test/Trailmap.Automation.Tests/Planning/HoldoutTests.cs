using Shouldly;
using Trailmap.Automation.Planning;
using Xunit;

namespace Trailmap.Automation.Tests.Planning;

public sealed class HoldoutTests
{
    [Fact]
    public void Position_is_the_first_64_bits_of_sha256_over_rule_and_customer()
    {
        // printf 'reengage:cust-1' | sha256sum -> e4f3abfe2f6a59da 8d39...; 0xe4f3abfe2f6a59da / 2^64 = 0.894343137...
        Holdout.Position("reengage", "cust-1").ShouldBe(0.8943431373185516, 1e-15);
        Holdout.Position("reengage", "cust-1").ShouldBe(Holdout.Position("reengage", "cust-1"));
    }

    [Fact]
    public void About_the_configured_share_of_100k_customers_is_held_out_independently_per_rule()
    {
        var ids = Enumerable.Range(0, 100_000).Select(i => "customer-" + i).ToList();

        var a = ids.Where(id => Holdout.IsHeldOut("rule-a", id, 0.1)).ToHashSet();
        var b = ids.Where(id => Holdout.IsHeldOut("rule-b", id, 0.1)).ToHashSet();

        // Binomial(100000, 0.1): mean 10000, sd sqrt(100000 * 0.1 * 0.9) = 94.9; allow 4 sd.
        a.Count.ShouldBeInRange(9_620, 10_380);
        b.Count.ShouldBeInRange(9_620, 10_380);

        // Independent rules overlap on about 1% (1000, sd sqrt(100000 * 0.01 * 0.99) = 31.5; 4 sd = 126).
        a.Intersect(b).Count().ShouldBeInRange(874, 1_126);
    }

    [Fact]
    public void No_share_holds_out_no_one_and_a_full_share_everyone()
    {
        Holdout.IsHeldOut("r", "c", null).ShouldBeFalse();
        Holdout.IsHeldOut("r", "c", 0).ShouldBeFalse();
        Enumerable.Range(0, 1000).All(i => Holdout.IsHeldOut("r", "c" + i, 1.0)).ShouldBeTrue();
    }
}
