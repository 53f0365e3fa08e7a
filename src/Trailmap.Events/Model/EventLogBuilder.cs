namespace Trailmap.Events;

/// <summary>Collects events in any order; <see cref="Build"/> sorts them into an <see cref="EventLog"/>.</summary>
public sealed class EventLogBuilder
{
    private readonly List<string> customerOf = [];
    private readonly List<int> nameOf = [];
    private readonly List<long> timestamps = [];
    private readonly List<long> sequences = [];
    private readonly List<IReadOnlyDictionary<string, object?>?> properties = [];
    private readonly Dictionary<string, int> nameIds = new(StringComparer.Ordinal);
    private readonly List<string> names = [];
    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits;

    public int Count => timestamps.Count;

    /// <summary>Adds one event; <paramref name="sequence"/> is the arrival order that breaks timestamp ties.</summary>
    public EventLogBuilder Add(string customerId, string name, long timestampMicros, long sequence, IReadOnlyDictionary<string, object?>? properties = null)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(name);
        if (!nameIds.TryGetValue(name, out var id))
        {
            id = names.Count;
            nameIds[name] = id;
            names.Add(name);
        }

        customerOf.Add(customerId);
        nameOf.Add(id);
        timestamps.Add(timestampMicros);
        sequences.Add(sequence);
        this.properties.Add(properties);
        return this;
    }

    /// <summary>Adds an event with the next arrival number.</summary>
    public EventLogBuilder Add(string customerId, string name, DateTimeOffset timestamp, IReadOnlyDictionary<string, object?>? properties = null) =>
        Add(customerId, name, ToMicros(timestamp), Count, properties);

    public EventLogBuilder WithTraits(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> customerTraits)
    {
        traits = customerTraits;
        return this;
    }

    public static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    public EventLog Build()
    {
        var n = timestamps.Count;
        var distinct = customerOf.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var customerIndex = new Dictionary<string, int>(distinct.Length, StringComparer.Ordinal);
        for (var i = 0; i < distinct.Length; i++)
        {
            customerIndex[distinct[i]] = i;
        }

        var customerColumn = new int[n];
        for (var i = 0; i < n; i++)
        {
            customerColumn[i] = customerIndex[customerOf[i]];
        }

        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // Sequence breaks timestamp ties so every engine sees the same order run after run.
        Array.Sort(order, (a, b) =>
        {
            var c = customerColumn[a].CompareTo(customerColumn[b]);
            if (c != 0)
            {
                return c;
            }

            c = timestamps[a].CompareTo(timestamps[b]);
            return c != 0 ? c : sequences[a].CompareTo(sequences[b]);
        });

        var offsets = new int[distinct.Length + 1];
        var nameColumn = new int[n];
        var tsColumn = new long[n];
        var seqColumn = new long[n];
        var propColumn = new IReadOnlyDictionary<string, object?>?[n];
        for (var i = 0; i < n; i++)
        {
            var src = order[i];
            offsets[customerColumn[src] + 1]++;
            nameColumn[i] = nameOf[src];
            tsColumn[i] = timestamps[src];
            seqColumn[i] = sequences[src];
            propColumn[i] = properties[src];
        }

        for (var c = 0; c < distinct.Length; c++)
        {
            offsets[c + 1] += offsets[c];
        }

        return new EventLog(distinct, offsets, [.. names], nameColumn, tsColumn, seqColumn, propColumn, traits);
    }
}
