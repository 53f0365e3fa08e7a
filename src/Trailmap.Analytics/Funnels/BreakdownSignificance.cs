using Trailmap.Analytics.Statistics;

namespace Trailmap.Analytics.Funnels;

/// <summary>
/// One breakdown value's conversion (last step over step 1) against the rest of the funnel's entrants. <see cref="Z"/>
/// is null when the test cannot be made (no rest, or everyone or no one converted), and its p-values are then 1.
/// </summary>
public sealed record BreakdownSignificance(
    string Value,
    long Entered,
    long Converted,
    double Rate,
    long RestEntered,
    long RestConverted,
    double RestRate,
    double? Z,
    double PValue,
    double AdjustedPValue,
    bool Significant);

/// <summary>
/// Whether a breakdown value converts differently from the others: a two-sided two-proportion z-test with the pooled
/// rate, each value against every other entrant (so the two groups never share a customer), and Holm's correction
/// over all the values of the breakdown, significant when the adjusted p-value is below <see cref="Alpha"/>.
/// </summary>
public static class FunnelSignificance
{
    public const double Alpha = 0.05;

    /// <summary>The test's name as outputs state it.</summary>
    public const string Test = "two-proportion z-test (pooled, two-sided), each value against the rest, Holm-adjusted";

    /// <summary>The test of every breakdown value of <paramref name="result"/>, in the breakdown's order; null without a breakdown.</summary>
    public static IReadOnlyList<BreakdownSignificance>? Of(FunnelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Breakdowns is not { } breakdowns || result.Steps.Count == 0)
        {
            return null;
        }

        var entered = result.Steps[0].Customers;
        var converted = result.Steps[^1].Customers;
        var rows = breakdowns.Select(b =>
        {
            var e = b.Value[0].Customers;
            var c = b.Value[^1].Customers;
            return (b.Key, e, c, z: ZTest(c, e, converted - c, entered - e));
        }).ToList();
        var p = rows.Select(r => r.z is { } z ? Normal.TwoSidedP(z) : 1.0).ToArray();
        var adjusted = Normal.Holm(p);
        return [.. rows.Select((r, i) => new BreakdownSignificance(
            r.Key,
            r.e,
            r.c,
            Rate(r.c, r.e),
            entered - r.e,
            converted - r.c,
            Rate(converted - r.c, entered - r.e),
            r.z,
            p[i],
            adjusted[i],
            adjusted[i] < Alpha))];
    }

    /// <summary>z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)) with p the pooled rate; null when either group is empty or p is 0 or 1.</summary>
    internal static double? ZTest(long x1, long n1, long x2, long n2)
    {
        if (n1 == 0 || n2 == 0 || x1 + x2 == 0 || x1 + x2 == n1 + n2)
        {
            return null;
        }

        var pooled = (double)(x1 + x2) / (n1 + n2);
        return ((double)x1 / n1 - (double)x2 / n2) / Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    }

    private static double Rate(long x, long n) => n == 0 ? 0 : (double)x / n;
}
