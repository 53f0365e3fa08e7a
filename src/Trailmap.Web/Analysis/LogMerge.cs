using Trailmap.Events;

namespace Trailmap.Web.Analysis;

/// <summary>
/// Extends an event log with the events that landed since it was loaded, so a measurement after an ingestion import
/// copies the events already in memory instead of reading (and parsing) every one of them from the store again.
/// </summary>
/// <remarks>
/// Both logs are sorted by (customer, timestamp, sequence); each customer's old and new events are merged in that
/// order. Customers new to the log come after the known ones, which the engines do not mind: they read customers in
/// whatever order the log holds them. New traits replace a customer's old ones whole (the store keeps them merged).
/// </remarks>
internal static class LogMerge
{
    public static EventLog Merge(EventLog old, EventLog delta)
    {
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits = null;
        if (old.Traits is not null && delta.Traits is not { Count: > 0 })
        {
            // No traits changed: keep the same map.
            traits = old.Traits;
        }
        else if (old.Traits is not null || delta.Traits is not null)
        {
            var merged = old.Traits is null
                ? new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal)
                : new Dictionary<string, IReadOnlyDictionary<string, object?>>(old.Traits, StringComparer.Ordinal);
            foreach (var (customer, t) in delta.Traits ?? new Dictionary<string, IReadOnlyDictionary<string, object?>>())
            {
                merged[customer] = t;
            }

            traits = merged;
        }

        return old.Extend(delta, traits);
    }
}
