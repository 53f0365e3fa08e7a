using Trailmap.Events;

namespace Trailmap.Analytics.Paths;

/// <summary>
/// A log cut down to a time range in memory, with the store's bounds (at or after the start, before the end), so a
/// question asked of a log already loaded reads the same events as one loaded with <see cref="EventLogQuery.From"/>
/// and <see cref="EventLogQuery.To"/>.
/// </summary>
public static class EventLogRange
{
    public static EventLog Between(EventLog log, DateTimeOffset? from, DateTimeOffset? to)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (from is null && to is null)
        {
            return log;
        }

        var (lo, hi) = (from is { } f ? EventLogBuilder.ToMicros(f) : long.MinValue, to is { } t ? EventLogBuilder.ToMicros(t) : long.MaxValue);
        var keep = new List<int>(log.EventCount);
        var customers = new List<string>();
        var offsets = new List<int> { 0 };
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var before = keep.Count;
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                if (log.Timestamps[i] >= lo && log.Timestamps[i] < hi)
                {
                    keep.Add(i);
                }
            }

            // A customer with no event in the range is not in the ranged log, as a ranged load leaves them out.
            if (keep.Count > before)
            {
                customers.Add(log.Customers[c]);
                offsets.Add(keep.Count);
            }
        }

        var properties = keep.Select(log.PropertiesOf).ToArray();
        return EventLog.FromColumns(
            [.. customers],
            [.. offsets],
            log.Names,
            [.. keep.Select(i => log.NameIds[i])],
            [.. keep.Select(i => log.Timestamps[i])],
            log.HasSequences ? [.. keep.Select(i => log.Sequences[i])] : null,
            properties.Any(p => p is not null) ? properties : null,
            log.Traits);
    }
}
