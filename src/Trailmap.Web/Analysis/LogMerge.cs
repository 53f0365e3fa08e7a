using Trailmap.Analytics.Events;

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
        var writer = new SortedEventLogWriter(old.EventCount + delta.EventCount);
        var added = new Dictionary<string, int>(delta.CustomerCount, StringComparer.Ordinal);
        for (var d = 0; d < delta.CustomerCount; d++)
        {
            added[delta.Customers[d]] = d;
        }

        var done = new bool[delta.CustomerCount];
        for (var c = 0; c < old.CustomerCount; c++)
        {
            var customer = old.Customers[c];
            var (i, end) = (old.Offsets[c], old.Offsets[c + 1]);
            if (!added.TryGetValue(customer, out var d))
            {
                for (; i < end; i++)
                {
                    Copy(writer, customer, old, i);
                }

                continue;
            }

            done[d] = true;
            var (j, endNew) = (delta.Offsets[d], delta.Offsets[d + 1]);
            while (i < end || j < endNew)
            {
                var takeOld = j >= endNew || (i < end && (old.Timestamps[i] < delta.Timestamps[j]
                    || (old.Timestamps[i] == delta.Timestamps[j] && old.Sequences[i] <= delta.Sequences[j])));
                if (takeOld)
                {
                    Copy(writer, customer, old, i++);
                }
                else
                {
                    Copy(writer, customer, delta, j++);
                }
            }
        }

        for (var d = 0; d < delta.CustomerCount; d++)
        {
            if (!done[d])
            {
                for (var j = delta.Offsets[d]; j < delta.Offsets[d + 1]; j++)
                {
                    Copy(writer, delta.Customers[d], delta, j);
                }
            }
        }

        if (old.Traits is not null && delta.Traits is not { Count: > 0 })
        {
            // No traits changed: keep the same map, which also tells the running rules nobody's traits changed.
            writer.WithTraits(old.Traits);
        }
        else if (old.Traits is not null || delta.Traits is not null)
        {
            var traits = old.Traits is null
                ? new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal)
                : new Dictionary<string, IReadOnlyDictionary<string, object?>>(old.Traits, StringComparer.Ordinal);
            foreach (var (customer, t) in delta.Traits ?? new Dictionary<string, IReadOnlyDictionary<string, object?>>())
            {
                traits[customer] = t;
            }

            writer.WithTraits(traits);
        }

        return writer.Build();
    }

    private static void Copy(SortedEventLogWriter writer, string customer, EventLog from, int i) =>
        writer.Add(customer, from.Names[from.NameIds[i]], from.Timestamps[i], from.Sequences[i], from.PropertiesOf(i));
}
