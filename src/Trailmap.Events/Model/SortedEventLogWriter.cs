namespace Trailmap.Events;

/// <summary>
/// Builds an <see cref="EventLog"/> from events that already arrive in (customer, timestamp, sequence) order, as the
/// event store returns them: no sort, columns grown in place, one string per distinct customer. This is the path
/// for millions of events, where <see cref="EventLogBuilder"/>'s general sort would dominate.
/// </summary>
public sealed class SortedEventLogWriter
{
    private readonly List<string> customers = [];
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly List<int> offsets = [0];
    private readonly Dictionary<string, int> nameIds = new(StringComparer.Ordinal);
    private readonly List<string> names = [];
    private int[] nameColumn;
    private long[] timestamps;
    private long[] sequences;
    private IReadOnlyDictionary<string, object?>?[] properties;
    private int count;
    private string? currentCustomer;
    private long lastTimestamp;
    private long lastSequence;
    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits;
    private bool built;

    public SortedEventLogWriter(int capacity = 1024)
    {
        capacity = Math.Max(capacity, 16);
        nameColumn = new int[capacity];
        timestamps = new long[capacity];
        sequences = new long[capacity];
        properties = new IReadOnlyDictionary<string, object?>?[capacity];
    }

    public int Count => count;

    /// <summary>Appends the next event; throws when the input is not in (customer, timestamp, sequence) order.</summary>
    public void Add(string customerId, string name, long timestampMicros, long sequence, IReadOnlyDictionary<string, object?>? eventProperties = null)
    {
        // The built log may share these columns; writing after Build would change it underneath its readers.
        if (built)
        {
            throw new InvalidOperationException("this writer has already built its log; start a new writer");
        }

        if (!string.Equals(customerId, currentCustomer, StringComparison.Ordinal))
        {
            if (!seen.Add(customerId))
            {
                throw new InvalidOperationException($"the events of customer '{customerId}' must arrive together, not interleaved with other customers'");
            }

            if (currentCustomer is not null)
            {
                offsets.Add(count);
            }

            customers.Add(customerId);
            currentCustomer = customerId;
        }
        else if (timestampMicros < lastTimestamp || (timestampMicros == lastTimestamp && sequence < lastSequence))
        {
            throw new InvalidOperationException($"events of customer '{customerId}' must arrive sorted by (timestamp, sequence)");
        }

        if (count == timestamps.Length)
        {
            var size = timestamps.Length * 2;
            Array.Resize(ref nameColumn, size);
            Array.Resize(ref timestamps, size);
            Array.Resize(ref sequences, size);
            Array.Resize(ref properties, size);
        }

        if (!nameIds.TryGetValue(name, out var id))
        {
            id = names.Count;
            nameIds[name] = id;
            names.Add(name);
        }

        nameColumn[count] = id;
        timestamps[count] = timestampMicros;
        sequences[count] = sequence;
        properties[count] = eventProperties;
        lastTimestamp = timestampMicros;
        lastSequence = sequence;
        count++;
    }

    public SortedEventLogWriter WithTraits(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> customerTraits)
    {
        traits = customerTraits;
        return this;
    }

    public EventLog Build()
    {
        built = true;
        var offsetColumn = new int[customers.Count + 1];
        for (var i = 0; i < customers.Count; i++)
        {
            offsetColumn[i] = offsets[i];
        }

        offsetColumn[customers.Count] = count;
        // When the capacity was exact (the loader knows the row count) hand the columns over instead of copying:
        // a copy would double the peak memory of a large load.
        T[] Exact<T>(T[] column) => column.Length == count ? column : column[..count];
        return new EventLog(
            [.. customers], offsetColumn, [.. names], Exact(nameColumn), Exact(timestamps), Exact(sequences), Exact(properties), traits);
    }
}
