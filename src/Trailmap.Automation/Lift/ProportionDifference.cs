namespace Trailmap.Automation.Lift;

/// <summary>A difference of two proportions p1 - p2 with its confidence interval.</summary>
public readonly record struct Interval(double Estimate, double Low, double High);

/// <summary>
/// Confidence intervals for proportions: Wilson's score interval for one, and Newcombe's hybrid score interval for
/// the difference of two independent ones (method 10 in Newcombe, "Interval estimation for the difference between
/// independent proportions: comparison of eleven methods", Statistics in Medicine 17, 1998). It stays inside
/// [-1, 1] and behaves at 0% and 100%, where the textbook Wald interval fails.
/// </summary>
public static class ProportionDifference
{
    /// <summary>The standard normal quantile for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Wilson's score interval for x successes of n (without continuity correction).</summary>
    public static Interval Wilson(long x, long n, double z = Z95)
    {
        if (n <= 0 || x < 0 || x > n)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"need 0 <= x <= n and n > 0, got {x} of {n}");
        }

        var p = (double)x / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2.0 * n))) / denominator;
        var half = z / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n)));
        return new Interval(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>Newcombe's hybrid score interval for x1/n1 - x2/n2.</summary>
    public static Interval Newcombe(long x1, long n1, long x2, long n2, double z = Z95)
    {
        var a = Wilson(x1, n1, z);
        var b = Wilson(x2, n2, z);
        var d = a.Estimate - b.Estimate;
        var low = d - Math.Sqrt(Square(a.Estimate - a.Low) + Square(b.High - b.Estimate));
        var high = d + Math.Sqrt(Square(a.High - a.Estimate) + Square(b.Estimate - b.Low));
        return new Interval(d, low, high);
    }

    private static double Square(double v) => v * v;
}
