using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>An event condition compiled against one log: a name id and an optional property filter.</summary>
public sealed class EventMatcher(EventLog log, EventCondition condition)
{
    private readonly int _nameId = log.NameId(condition.Event);
    private readonly Filter? _where = condition.Where;

    public bool Exists => _nameId >= 0;

    public bool Matches(int eventIndex) =>
        log.NameIds[eventIndex] == _nameId && (_where is null || _where.Matches(p => log.Property(eventIndex, p)));

    /// <summary>Index of the customer's first matching event at or after <paramref name="fromMicros"/>, or -1.</summary>
    public int First(int customer, long fromMicros = long.MinValue)
    {
        if (_nameId < 0)
        {
            return -1;
        }

        for (var i = log.Offsets[customer]; i < log.Offsets[customer + 1]; i++)
        {
            if (log.Timestamps[i] >= fromMicros && Matches(i))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Order statistics by the nearest-rank method, as the funnel engine reports them.</summary>
internal static class Stats
{
    public static double? NearestRank(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
