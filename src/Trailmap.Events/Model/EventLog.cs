namespace Trailmap.Events;

/// <summary>
/// An immutable, columnar event log sorted by (customer, timestamp, arrival sequence).
/// Customer <c>c</c> owns events <c>Offsets[c] .. Offsets[c + 1] - 1</c>; engines read the columns directly.
/// </summary>
public sealed class EventLog
{
    // Null when the loader was asked for no properties or no arrival sequences: a column of ten million empty
    // references or unused numbers is 80 MB a query never reads.
    private readonly IReadOnlyDictionary<string, object?>?[]? properties;
    private readonly long[]? sequences;
    private readonly Dictionary<string, int> nameIds;

    /// <summary>Shared by a loaded log and every log <see cref="Extend"/> made from it: see <see cref="Extends"/>.</summary>
    private object lineage = new();

    internal EventLog(
        string[] customers,
        int[] offsets,
        string[] names,
        int[] nameIdColumn,
        long[] timestamps,
        long[]? sequences,
        IReadOnlyDictionary<string, object?>?[]? properties,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits)
    {
        Customers = customers;
        Offsets = offsets;
        Names = names;
        NameIds = nameIdColumn;
        Timestamps = timestamps;
        this.sequences = sequences;
        this.properties = properties;
        Traits = traits;
        nameIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            nameIds[names[i]] = i;
        }
    }

    /// <summary>Distinct customer ids, in the order their events are stored.</summary>
    public string[] Customers { get; }

    /// <summary>Start offset of each customer's events; one extra entry holds the total count.</summary>
    public int[] Offsets { get; }

    /// <summary>Distinct event names; <see cref="NameIds"/> holds indexes into it.</summary>
    public string[] Names { get; }

    public int[] NameIds { get; }

    /// <summary>Microseconds since the Unix epoch, UTC.</summary>
    public long[] Timestamps { get; }

    /// <summary>Arrival sequence numbers; a log loaded without them (see <see cref="HasSequences"/>) throws here.</summary>
    public long[] Sequences => sequences ?? throw new InvalidOperationException(
        "this event log was loaded without arrival sequences; load it with them to extend, subset or mark it");

    /// <summary>The properties column as loaded (null when none was asked for), for loaders that regroup a log.</summary>
    internal IReadOnlyDictionary<string, object?>?[]? PropertyColumn => properties;

    /// <summary>Whether <see cref="Sequences"/> was loaded: one-shot queries leave it out, logs that are extended keep it.</summary>
    public bool HasSequences => sequences is not null;

    /// <summary>Customer traits by customer id (plan, persona, ...), used for breakdowns.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? Traits { get; }

    public int EventCount => Timestamps.Length;

    public int CustomerCount => Customers.Length;

    /// <summary>
    /// A log over columns a loader has already filled in (customer, timestamp, sequence) order, taken as they are
    /// (no copy). Customer <c>c</c> owns events <c>offsets[c] .. offsets[c + 1] - 1</c>; <paramref name="sequences"/>
    /// and <paramref name="properties"/> may be null when nobody will read them. Checks the shapes, not the order.
    /// </summary>
    public static EventLog FromColumns(
        string[] customers,
        int[] offsets,
        string[] names,
        int[] nameIds,
        long[] timestamps,
        long[]? sequences,
        IReadOnlyDictionary<string, object?>?[]? properties,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(nameIds);
        ArgumentNullException.ThrowIfNull(timestamps);
        var n = timestamps.Length;
        if (offsets.Length != customers.Length + 1 || offsets[0] != 0 || offsets[^1] != n || nameIds.Length != n
            || (sequences is not null && sequences.Length != n) || (properties is not null && properties.Length != n))
        {
            throw new ArgumentException("the columns disagree: one offset per customer plus the total, and one entry per event in each column");
        }

        for (var c = 0; c < customers.Length; c++)
        {
            if (offsets[c + 1] <= offsets[c])
            {
                throw new ArgumentException($"customer {c} ('{customers[c]}') owns no events; a log holds only customers with events");
            }
        }

        return new EventLog(customers, offsets, names, nameIds, timestamps, sequences, properties, traits);
    }

    /// <summary>The highest arrival sequence number in the log (what landed last), or null for an empty log.</summary>
    public long? MaxSequence()
    {
        if (EventCount == 0)
        {
            return null;
        }

        var max = long.MinValue;
        foreach (var s in Sequences)
        {
            max = Math.Max(max, s);
        }

        return max;
    }

    /// <summary>The id of an event name, or -1 when no event has that name.</summary>
    public int NameId(string name) => nameIds.TryGetValue(name, out var id) ? id : -1;

    /// <summary>A property of one event, or null when it is absent.</summary>
    public object? Property(int eventIndex, string property) =>
        properties?[eventIndex] is { } p && p.TryGetValue(property, out var v) ? v : null;

    /// <summary>Every loaded property of one event (only those the loader was asked for), or null when it has none.</summary>
    public IReadOnlyDictionary<string, object?>? PropertiesOf(int eventIndex) => properties?[eventIndex];

    /// <summary>
    /// A log of only these customers (indexes into <see cref="Customers"/>, ascending), with all their events, the
    /// same names and the same traits: what per-customer evaluation needs when only some customers changed. Costs
    /// time in proportion to the chosen customers' events, not the whole log.
    /// </summary>
    public EventLog Subset(IReadOnlyList<int> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var events = 0;
        for (var i = 0; i < customers.Count; i++)
        {
            var c = customers[i];
            if (c < 0 || c >= Customers.Length || (i > 0 && c <= customers[i - 1]))
            {
                throw new ArgumentException("customer indexes must be ascending, distinct and within the log", nameof(customers));
            }

            events += Offsets[c + 1] - Offsets[c];
        }

        var ids = new string[customers.Count];
        var offsets = new int[customers.Count + 1];
        var nameColumn = new int[events];
        var timestamps = new long[events];
        var sequenceColumn = sequences is null ? null : new long[events];
        var props = properties is null ? null : new IReadOnlyDictionary<string, object?>?[events];
        var at = 0;
        for (var i = 0; i < customers.Count; i++)
        {
            var c = customers[i];
            var (from, count) = (Offsets[c], Offsets[c + 1] - Offsets[c]);
            ids[i] = Customers[c];
            offsets[i] = at;
            Array.Copy(NameIds, from, nameColumn, at, count);
            Array.Copy(Timestamps, from, timestamps, at, count);
            if (sequenceColumn is not null)
            {
                Array.Copy(sequences!, from, sequenceColumn, at, count);
            }

            if (props is not null)
            {
                Array.Copy(properties!, from, props, at, count);
            }

            at += count;
        }

        offsets[customers.Count] = at;
        return new EventLog(ids, offsets, Names, nameColumn, timestamps, sequenceColumn, props, Traits);
    }

    /// <summary>
    /// This log with <paramref name="delta"/>'s events added and <paramref name="traits"/> as its traits: each
    /// customer's old and new events merged in (timestamp, sequence) order, customers new to the log after the known
    /// ones. Customers the delta does not touch are copied a run of columns at a time, so extending a log of
    /// millions of events by a few hundred costs a memory copy, not millions of appends.
    /// </summary>
    public EventLog Extend(EventLog delta, IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var names = new List<string>(Names);
        var nameMap = new int[delta.Names.Length];
        for (var k = 0; k < delta.Names.Length; k++)
        {
            var id = NameId(delta.Names[k]);
            if (id < 0)
            {
                id = names.Count;
                names.Add(delta.Names[k]);
            }

            nameMap[k] = id;
        }

        var touched = new Dictionary<string, int>(delta.CustomerCount, StringComparer.Ordinal);
        for (var d = 0; d < delta.CustomerCount; d++)
        {
            touched[delta.Customers[d]] = d;
        }

        var total = EventCount + delta.EventCount;
        var nameColumn = new int[total];
        var timestamps = new long[total];
        var sequenceColumn = new long[total];
        var props = properties is null && delta.properties is null ? null : new IReadOnlyDictionary<string, object?>?[total];
        var (oldSequences, newSequences) = (Sequences, delta.Sequences);
        var ids = new List<string>(CustomerCount + delta.CustomerCount);
        var offsets = new List<int>(CustomerCount + delta.CustomerCount + 1);
        var merged = new bool[delta.CustomerCount];
        var at = 0;
        var copyFrom = 0; // the first old event not yet copied: untouched customers wait to be copied in one run

        void CopyOld(int to)
        {
            var count = to - copyFrom;
            Array.Copy(NameIds, copyFrom, nameColumn, at, count);
            Array.Copy(Timestamps, copyFrom, timestamps, at, count);
            Array.Copy(oldSequences, copyFrom, sequenceColumn, at, count);
            if (props is not null && properties is not null)
            {
                Array.Copy(properties, copyFrom, props, at, count);
            }

            at += count;
            copyFrom = to;
        }

        void TakeNew(int j)
        {
            nameColumn[at] = nameMap[delta.NameIds[j]];
            timestamps[at] = delta.Timestamps[j];
            sequenceColumn[at] = newSequences[j];
            if (props is not null)
            {
                props[at] = delta.properties?[j];
            }

            at++;
        }

        var inserted = 0;
        for (var c = 0; c < CustomerCount; c++)
        {
            ids.Add(Customers[c]);
            offsets.Add(Offsets[c] + inserted);
            if (!touched.TryGetValue(Customers[c], out var d))
            {
                continue;
            }

            CopyOld(Offsets[c]);
            merged[d] = true;
            var (i, end) = (Offsets[c], Offsets[c + 1]);
            var (j, endNew) = (delta.Offsets[d], delta.Offsets[d + 1]);
            while (i < end || j < endNew)
            {
                var takeOld = j >= endNew || (i < end && (Timestamps[i] < delta.Timestamps[j]
                    || (Timestamps[i] == delta.Timestamps[j] && oldSequences[i] <= newSequences[j])));
                if (takeOld)
                {
                    copyFrom = i;
                    CopyOld(++i);
                }
                else
                {
                    TakeNew(j++);
                }
            }

            copyFrom = end;
            inserted += endNew - delta.Offsets[d];
        }

        CopyOld(EventCount);
        for (var d = 0; d < delta.CustomerCount; d++)
        {
            if (!merged[d])
            {
                ids.Add(delta.Customers[d]);
                offsets.Add(at);
                for (var j = delta.Offsets[d]; j < delta.Offsets[d + 1]; j++)
                {
                    TakeNew(j);
                }
            }
        }

        offsets.Add(at);
        var extended = new EventLog([.. ids], [.. offsets], [.. names], nameColumn, timestamps, sequenceColumn, props, traits);
        extended.lineage = lineage;
        return extended;
    }

    /// <summary>
    /// Whether this log holds <paramref name="earlier"/>'s customers at the same indexes, each with the same events
    /// plus any that landed since: true for a log made by <see cref="Extend"/> (once or more) from it, or from the log
    /// it was extended from. A customer with as many events in both then has exactly the same events, which lets a
    /// measurement copy that customer's figures instead of computing them again.
    /// </summary>
    public bool Extends(EventLog earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        if (!ReferenceEquals(lineage, earlier.lineage) || CustomerCount < earlier.CustomerCount)
        {
            return false;
        }

        for (var c = 0; c < earlier.CustomerCount; c++)
        {
            if (!string.Equals(Customers[c], earlier.Customers[c], StringComparison.Ordinal)
                || Offsets[c + 1] - Offsets[c] < earlier.Offsets[c + 1] - earlier.Offsets[c])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A trait of one customer, or null when it is absent.</summary>
    public object? Trait(int customer, string trait) =>
        Traits is not null && Traits.TryGetValue(Customers[customer], out var t) && t.TryGetValue(trait, out var v) ? v : null;
}
