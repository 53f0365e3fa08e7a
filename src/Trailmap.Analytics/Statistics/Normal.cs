namespace Trailmap.Analytics.Statistics;

/// <summary>The standard normal distribution's tails, which .NET does not provide.</summary>
public static class Normal
{
    /// <summary>The two-sided p-value of a z statistic: P(|Z| >= |z|) = erfc(|z| / sqrt 2).</summary>
    public static double TwoSidedP(double z) => Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>
    /// The complementary error function for x >= 0, to about 1e-11 relative: below 3 as 1 - erf(x) from erf's series
    /// of positive terms, erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1)), which has no cancellation;
    /// from 3 on by Laplace's continued fraction evaluated backwards, which keeps its relative precision in the tail.
    /// </summary>
    public static double Erfc(double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        if (x < 3)
        {
            var term = x;
            var sum = x;
            for (var n = 1; n < 200 && term > sum * 1e-17; n++)
            {
                term *= 2 * x * x / (2 * n + 1);
                sum += term;
            }

            return 1 - 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
        }

        // erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))).
        var t = x;
        for (var k = 120; k >= 1; k--)
        {
            t = x + k / 2.0 / t;
        }

        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / t;
    }

    /// <summary>
    /// Holm's step-down adjustment of <paramref name="p"/> for as many comparisons as it holds: the i-th smallest is
    /// multiplied by (m - i + 1), kept monotone and capped at 1. It controls the family-wise error rate, as
    /// Bonferroni does, and rejects at least as often.
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        var m = p.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => p[i]).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, Math.Min(1, (m - rank) * p[order[rank]]));
            adjusted[order[rank]] = running;
        }

        return adjusted;
    }
}
