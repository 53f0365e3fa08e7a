using Trailmap.Events;

namespace Trailmap.Analytics.Funnels;

/// <summary>The periods conversion over time is grouped by: UTC days, or ISO weeks (Monday to Sunday, UTC).</summary>
public enum FunnelPeriod { Day, Week }

/// <summary>Entrants whose chain started in the period beginning <see cref="Start"/>, and how many of them reached the last step.</summary>
public sealed record ConversionPeriod(DateOnly Start, long Entered, long Converted, double Rate);

/// <summary>Converters whose time from step 1 to the last step is at most <see cref="UpToSeconds"/> and above the previous bin's (null: above every bound).</summary>
public sealed record TimeToConvertBin(long? UpToSeconds, long Customers);

/// <summary>
/// A funnel's numbers over time and its time-to-convert distribution, read from each customer's converting chain
/// (the chain the step counts and time to convert come from): its step-1 time places the entrant in a period, and
/// its step-1 to last-step time places a converter in a bin. Unordered funnels have no chain and give neither.
/// </summary>
public static class FunnelTrends
{
    /// <summary>The bins' upper bounds, in seconds: 1 minute, 10 minutes, 1 hour, 6 hours, 1, 3, 7, 14 and 30 days.</summary>
    public static readonly IReadOnlyList<long> BinBounds = [60, 600, 3600, 6 * 3600, 86_400, 3 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400];

    /// <summary>
    /// Entrants and converters per period, from the first period with an entrant to the last, periods without
    /// entrants included (0 entered, rate 0) so a chart's axis is even. Null for an unordered funnel.
    /// </summary>
    public static IReadOnlyList<ConversionPeriod>? ConversionOverTime(FunnelResult result, FunnelPeriod period)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.ChainTimes is not { } times || result.Steps.Count == 0)
        {
            return null;
        }

        var n = result.Steps.Count;
        var counts = new SortedDictionary<DateOnly, (long Entered, long Converted)>();
        for (var c = 0; c < result.Levels.Count; c++)
        {
            if (result.Levels[c] == 0)
            {
                continue;
            }

            var start = Start(EventLogBuilder.FromMicros(times[(long)c * n]).UtcDateTime, period);
            var (entered, converted) = counts.GetValueOrDefault(start);
            counts[start] = (entered + 1, converted + (result.Levels[c] == n ? 1 : 0));
        }

        if (counts.Count == 0)
        {
            return [];
        }

        var rows = new List<ConversionPeriod>();
        var step = period == FunnelPeriod.Day ? 1 : 7;
        for (var d = counts.Keys.First(); d <= counts.Keys.Last(); d = d.AddDays(step))
        {
            var (entered, converted) = counts.GetValueOrDefault(d);
            rows.Add(new ConversionPeriod(d, entered, converted, entered == 0 ? 0 : (double)converted / entered));
        }

        return rows;
    }

    /// <summary>Converters (customers who reached the last step) by their time from step 1 to the last step, in <see cref="BinBounds"/> and one open bin; null for an unordered funnel or a one-step one.</summary>
    public static IReadOnlyList<TimeToConvertBin>? TimeToConvertHistogram(FunnelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var n = result.Steps.Count;
        if (result.ChainTimes is not { } times || n < 2)
        {
            return null;
        }

        var counts = new long[BinBounds.Count + 1];
        for (var c = 0; c < result.Levels.Count; c++)
        {
            if (result.Levels[c] == n)
            {
                var micros = times[((long)c * n) + n - 1] - times[(long)c * n];
                var bin = 0;
                while (bin < BinBounds.Count && micros > BinBounds[bin] * 1_000_000)
                {
                    bin++;
                }

                counts[bin]++;
            }
        }

        return [.. counts.Select((count, i) => new TimeToConvertBin(i < BinBounds.Count ? BinBounds[i] : null, count))];
    }

    private static DateOnly Start(DateTime utc, FunnelPeriod period)
    {
        var day = DateOnly.FromDateTime(utc);
        return period == FunnelPeriod.Day ? day : day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }
}
