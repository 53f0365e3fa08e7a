using Shouldly;
using Xunit;

namespace Trailmap.Delivery.Tests;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Without_jitter_the_delay_doubles_from_the_base_up_to_the_cap()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromHours(1), Jitter = 0 };

        // 30 s * 2^(n-1): 30, 60, 120, 240, 480, 960, 1920 s; then 3840 s is over the 3600 s cap.
        int[] expected = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600];
        for (var attempt = 1; attempt <= expected.Length; attempt++)
        {
            policy.DelayAfter(attempt).ShouldBe(TimeSpan.FromSeconds(expected[attempt - 1]), $"attempt {attempt}");
        }

        policy.DelayAfter(1000).ShouldBe(TimeSpan.FromHours(1));
    }

    [Fact]
    public void Jitter_spreads_delays_within_the_stated_share()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(30), Jitter = 0.2, Random = new Random(7) };

        // Attempt 3: 120 s +-20% = [96 s, 144 s).
        var delays = Enumerable.Range(0, 2000).Select(_ => policy.DelayAfter(3).TotalSeconds).ToList();

        delays.ShouldAllBe(d => d >= 96 && d < 144);
        delays.Min().ShouldBeLessThan(100);
        delays.Max().ShouldBeGreaterThan(140);
    }

    [Fact]
    public void A_receivers_retry_after_is_the_least_delay_up_to_the_cap()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromHours(1), Jitter = 0 };

        policy.DelayAfter(1, TimeSpan.FromSeconds(120)).ShouldBe(TimeSpan.FromSeconds(120));
        policy.DelayAfter(1, TimeSpan.FromSeconds(5)).ShouldBe(TimeSpan.FromSeconds(30));
        policy.DelayAfter(1, TimeSpan.FromHours(5)).ShouldBe(TimeSpan.FromHours(1));
    }
}
