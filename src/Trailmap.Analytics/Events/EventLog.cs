namespace Trailmap.Analytics.Events;

/// <summary>
/// An immutable, columnar event log sorted by (customer, timestamp, arrival sequence).
/// Customer <c>c</c> owns events <c>Offsets[c] .. Offsets[c + 1] - 1</c>; engines read the columns directly.
/// </summary>
public sealed class EventLog
{
    private readonly IReadOnlyDictionary<string, object?>?[] properties;
    private readonly Dictionary<string, int> nameIds;

    internal EventLog(
        string[] customers,
        int[] offsets,
        string[] names,
        int[] nameIdColumn,
        long[] timestamps,
        long[] sequences,
        IReadOnlyDictionary<string, object?>?[] properties,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits)
    {
        Customers = customers;
        Offsets = offsets;
        Names = names;
        NameIds = nameIdColumn;
        Timestamps = timestamps;
        Sequences = sequences;
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

    public long[] Sequences { get; }

    /// <summary>Customer traits by customer id (plan, persona, ...), used for breakdowns.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? Traits { get; }

    public int EventCount => Timestamps.Length;

    public int CustomerCount => Customers.Length;

    /// <summary>The id of an event name, or -1 when no event has that name.</summary>
    public int NameId(string name) => nameIds.TryGetValue(name, out var id) ? id : -1;

    /// <summary>A property of one event, or null when it is absent.</summary>
    public object? Property(int eventIndex, string property) =>
        properties[eventIndex] is { } p && p.TryGetValue(property, out var v) ? v : null;

    /// <summary>Every loaded property of one event (only those the loader was asked for), or null when it has none.</summary>
    public IReadOnlyDictionary<string, object?>? PropertiesOf(int eventIndex) => properties[eventIndex];

    /// <summary>A trait of one customer, or null when it is absent.</summary>
    public object? Trait(int customer, string trait) =>
        Traits is not null && Traits.TryGetValue(Customers[customer], out var t) && t.TryGetValue(trait, out var v) ? v : null;
}
