using CsCheck;
using Shouldly;
using Trailmap.Automation.Lift;
using Xunit;

namespace Trailmap.Automation.Tests.Lift;

/// <summary>Newcombe's method 10 against the worked examples of Newcombe (1998), Table II, and an independent solver.</summary>
public sealed class ProportionDifferenceTests
{
    [Theory]
    // Newcombe 1998, Table II, method 10 (score interval, no continuity correction):
    // (a) 56/70 - 48/80 = 0.2000: 0.0524 to 0.3339; (b) 9/10 - 3/10 = 0.6000: 0.1705 to 0.8090.
    [InlineData(56, 70, 48, 80, 0.0524, 0.3339)]
    [InlineData(9, 10, 3, 10, 0.1705, 0.8090)]
    public void Published_examples(int x1, int n1, int x2, int n2, double low, double high)
    {
        var d = ProportionDifference.Newcombe(x1, n1, x2, n2);

        d.Low.ShouldBe(low, 0.00005);
        d.High.ShouldBe(high, 0.00005);
        d.Estimate.ShouldBe(((double)x1 / n1) - ((double)x2 / n2), 1e-12);
    }

    /// <summary>
    /// Wilson's limits are the two proportions p whose score statistic |x/n - p| / sqrt(p(1 - p)/n) equals z;
    /// found here by bisection, independent of the closed form under test.
    /// </summary>
    private static (double Low, double High) WilsonByBisection(int x, int n)
    {
        var phat = (double)x / n;
        double Score(double p) => Math.Abs(phat - p) - (ProportionDifference.Z95 * Math.Sqrt(p * (1 - p) / n));
        double Solve(double a, double b)
        {
            // Score is positive at the outer end and negative at phat (inside the interval).
            for (var i = 0; i < 200; i++)
            {
                var m = (a + b) / 2;
                if ((Score(m) > 0) == (Score(a) > 0))
                {
                    a = m;
                }
                else
                {
                    b = m;
                }
            }

            return (a + b) / 2;
        }

        return (x == 0 ? 0 : Solve(0, phat), x == n ? 1 : Solve(1, phat));
    }

    [Fact]
    public void Published_examples_hold_with_wilson_limits_found_by_bisection()
    {
        static (double, double) Newcombe(int x1, int n1, int x2, int n2)
        {
            var (l1, u1) = WilsonByBisection(x1, n1);
            var (l2, u2) = WilsonByBisection(x2, n2);
            var (p1, p2) = ((double)x1 / n1, (double)x2 / n2);
            var d = p1 - p2;
            return (d - Math.Sqrt(((p1 - l1) * (p1 - l1)) + ((u2 - p2) * (u2 - p2))), d + Math.Sqrt(((u1 - p1) * (u1 - p1)) + ((p2 - l2) * (p2 - l2))));
        }

        var (lowA, highA) = Newcombe(56, 70, 48, 80);
        (Math.Round(lowA, 4), Math.Round(highA, 4)).ShouldBe((0.0524, 0.3339));
        var (lowB, highB) = Newcombe(9, 10, 3, 10);
        (Math.Round(lowB, 4), Math.Round(highB, 4)).ShouldBe((0.1705, 0.8090));
    }

    [Fact]
    public void Wilson_closed_form_matches_bisection_for_any_counts()
    {
        Gen.Int[1, 500].SelectMany(n => Gen.Int[0, n].Select(x => (x, n))).Sample(t =>
        {
            var (x, n) = t;
            var w = ProportionDifference.Wilson(x, n);
            var (low, high) = WilsonByBisection(x, n);
            w.Low.ShouldBe(low, 1e-9);
            w.High.ShouldBe(high, 1e-9);
        }, iter: 500);
    }
}
