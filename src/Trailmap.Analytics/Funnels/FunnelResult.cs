namespace Trailmap.Analytics.Funnels;

/// <summary>
/// Seconds from the previous step to this one, over the customers who reached this step, taken from each customer's
/// converting chain. Median and P90 use the nearest-rank method: the value at rank ceil(p * n) of the sorted values.
/// </summary>
public sealed record TimeToConvert(double Mean, double Median, double P90, int Count)
{
    internal static TimeToConvert? From(double[] seconds)
    {
        if (seconds.Length == 0)
        {
            return null;
        }

        Array.Sort(seconds);
        var sum = 0.0;
        foreach (var x in seconds)
        {
            sum += x;
        }

        return new TimeToConvert(sum / seconds.Length, NearestRank(seconds, 0.5), NearestRank(seconds, 0.9), seconds.Length);
    }

    internal static double NearestRank(double[] sorted, double p) =>
        sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>One step's numbers. Conversions are fractions (0..1); step 1's conversions are 1 when anyone reached it.</summary>
public sealed record FunnelStepResult(
    string Name,
    long Customers,
    double ConversionFromStart,
    double ConversionFromPrevious,
    long DropOff,
    TimeToConvert? TimeToConvert);

public sealed record FunnelResult(
    IReadOnlyList<FunnelStepResult> Steps,
    IReadOnlyDictionary<string, IReadOnlyList<FunnelStepResult>>? Breakdowns,
    IReadOnlyList<string> Customers,
    IReadOnlyList<int> Levels)
{
    /// <summary>
    /// Per customer and step (customer * steps + step): the time, in microseconds, at which the customer's converting
    /// chain reached the step, meaningful below the customer's level. Null for unordered funnels, which have no chain.
    /// </summary>
    internal long[]? ChainTimes { get; init; }

    /// <summary>The number of steps a customer reached (0 when none, or when an exclusion removed them).</summary>
    public int CustomerLevel(string customerId)
    {
        for (var i = 0; i < Customers.Count; i++)
        {
            if (Customers[i] == customerId)
            {
                return Levels[i];
            }
        }

        return 0;
    }

    public IReadOnlyDictionary<string, int> CustomerLevels() =>
        Customers.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => Levels[x.i], StringComparer.Ordinal);
}
