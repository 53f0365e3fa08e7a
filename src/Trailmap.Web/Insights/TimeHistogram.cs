namespace Trailmap.Web.Insights;

/// <summary>
/// A distribution of durations in equal buckets <c>[i * width, (i + 1) * width)</c>, with the nearest-rank median
/// and p90 the funnel engine reports. The width is the smallest "round" duration that needs at most
/// <see cref="MaxBuckets"/> buckets for the longest value, so the axis reads in whole minutes, hours or days.
/// </summary>
public sealed record TimeHistogram(double BucketSeconds, IReadOnlyList<long> Counts, double Median, double P90, int Count)
{
    public const int MaxBuckets = 12;

    private const double Minute = 60, Hour = 3600, Day = 86400;

    /// <summary>Bucket widths in seconds, smallest first.</summary>
    internal static readonly double[] Widths =
    [
        1, 5, 10, 30, Minute, 5 * Minute, 10 * Minute, 15 * Minute, 30 * Minute, Hour, 2 * Hour, 3 * Hour, 6 * Hour,
        12 * Hour, Day, 2 * Day, 7 * Day, 14 * Day, 30 * Day, 90 * Day, 180 * Day, 365 * Day, 5 * 365 * Day, 50 * 365 * Day,
    ];

    /// <summary>The histogram of <paramref name="seconds"/> (each at least 0), or null when there are none.</summary>
    public static TimeHistogram? Of(IReadOnlyCollection<double> seconds)
    {
        if (seconds.Count == 0)
        {
            return null;
        }

        var sorted = seconds.Order().ToArray();
        var max = sorted[^1];
        var width = Widths.FirstOrDefault(w => Math.Floor(max / w) + 1 <= MaxBuckets, Widths[^1]);
        var counts = new long[(int)Math.Floor(max / width) + 1];
        foreach (var s in sorted)
        {
            counts[(int)Math.Floor(s / width)]++;
        }

        return new TimeHistogram(width, counts, NearestRank(sorted, 0.5), NearestRank(sorted, 0.9), sorted.Length);
    }

    /// <summary>
    /// The axis label at the start of bucket <paramref name="index"/>, in the unit of the bucket width, so one axis
    /// reads in one unit: "0d 1d … 8d" rather than "6d 1w 1.1w".
    /// </summary>
    public string Tick(int index)
    {
        var (size, unit) = BucketSeconds switch
        {
            < Minute => (1d, "s"),
            < Hour => (Minute, "m"),
            < Day => (Hour, "h"),
            < 7 * Day => (Day, "d"),
            < 30 * Day => (7 * Day, "w"),
            < 365 * Day => (Day, "d"),
            _ => (365 * Day, "y"),
        };
        var value = index * BucketSeconds / size;
        return value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + unit;
    }

    /// <summary>The value at rank ceil(p * n) of the sorted values, as <c>TimeToConvert</c> computes it.</summary>
    internal static double NearestRank(double[] sorted, double p) =>
        sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
