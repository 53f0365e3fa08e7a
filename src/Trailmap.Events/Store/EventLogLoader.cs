using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>What to load from the store into memory for the analytics engines.</summary>
public sealed record EventLogQuery
{
    /// <summary>Event properties the analysis reads (filters, survey scores, sums); others are not parsed at all.</summary>
    public IReadOnlyCollection<string> Properties { get; init; } = [];

    /// <summary>Inclusive lower bound on event time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on event time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>
    /// Only events with these names (a funnel's steps and exclusions, a retention's start and return); null reads
    /// every event. Names that no event has are fine: they match nothing.
    /// </summary>
    public IReadOnlyCollection<string>? Events { get; init; }

    public bool IncludeTraits { get; init; } = true;

    /// <summary>With <see cref="IncludeTraits"/>: only these trait keys (a breakdown's, a persona's); null keeps every trait.</summary>
    public IReadOnlyCollection<string>? TraitNames { get; init; }

    /// <summary>
    /// Whether the log keeps each event's arrival sequence number (<see cref="EventLog.Sequences"/>): logs that are
    /// later extended, subset or marked need it; a one-shot query saves 8 bytes an event without it.
    /// </summary>
    public bool IncludeSequences { get; init; } = true;

    /// <summary>
    /// Only events stored after the one with this sequence number: what landed since a log was loaded, to extend it
    /// (sequence numbers only grow; imports run one at a time).
    /// </summary>
    public long? AfterSequence { get; init; }

    /// <summary>Only traits updated at or after this instant (with <see cref="IncludeTraits"/>); see <see cref="EventStore.TraitsWatermark"/>.</summary>
    public DateTimeOffset? TraitsUpdatedSince { get; init; }

    /// <summary>
    /// Only the customers with an event stored after this sequence number, or whose traits were updated at or after
    /// <see cref="ChangedTraitsSince"/>, with every event and the traits of each: the customers the running rules
    /// evaluate between sweeps. A customer with traits and no events is not in an event log.
    /// </summary>
    public long? ChangedAfterSequence { get; init; }

    /// <summary>
    /// People (the default) or accounts: with <see cref="AnalysisUnit.Accounts"/> each account's log holds all its
    /// members' events and the account's traits. Not with <see cref="ChangedAfterSequence"/> (rules act on people).
    /// </summary>
    public AnalysisUnit Unit { get; init; } = AnalysisUnit.People;

    /// <summary>With <see cref="ChangedAfterSequence"/>: customers whose traits were updated at or after this instant count as changed too.</summary>
    public DateTimeOffset? ChangedTraitsSince { get; init; }
}

/// <summary>Streams the store's events, already in (customer, ts, seq) order, into a columnar <see cref="EventLog"/>.</summary>
public static class EventLogLoader
{
    public static EventLog LoadEventLog(this EventStore store, EventLogQuery? query = null, IProgress<long>? progress = null)
    {
        query ??= new EventLogQuery();
        if (query.Unit == AnalysisUnit.Accounts && query.ChangedAfterSequence is not null)
        {
            throw new ArgumentException("the customers changed since a mark are people; load accounts whole or with AfterSequence", nameof(query));
        }

        // A whole snapshot (not what landed since a mark) goes the columnar way: integer customers and event codes,
        // no string per row. Incremental loads are small and keep the row-by-row reader below.
        // A file store's snapshot (a customer-ordered, integer-coded copy beside it) serves it without any SQL scan.
        // It holds the ids events were sent with; a load regroups them under their persons once identities merge ids.
        // Accounts (a sender's events count once per account) read the table.
        if (query.Unit == AnalysisUnit.People && EventSnapshot.TryLoad(store, query, progress) is { } fromSnapshot)
        {
            return fromSnapshot;
        }

        if (query.AfterSequence is null && query.ChangedAfterSequence is null
            && ColumnarEventLoad.TryLoad(store, query, progress) is { } columnar)
        {
            return columnar;
        }

        var total = query.AfterSequence is { } after
            ? store.Scalar<long>("SELECT count(*) FROM events WHERE seq > $after", new DuckDBParameter("after", after))
            : store.Scalar<long>("SELECT count(*) FROM events");

        // Imports keep the table physically in (customer, ts, seq) order and DuckDB returns a plain scan in insertion
        // order, so the first attempt skips the ORDER BY: sorting tens of millions of rows costs gigabytes and
        // seconds. The writer checks the order as it goes; should a store ever be out of order, sort after all.
        SortedEventLogWriter writer;
        try
        {
            // What landed since a load sits at the end of the table in arrival order: sort it (it is small) right away.
            writer = Read(store, query, total, sorted: query.AfterSequence is not null || query.ChangedAfterSequence is not null, progress);
        }
        catch (InvalidOperationException)
        {
            writer = Read(store, query, total, sorted: true, progress);
        }

        if (Traits(store, query) is { } traits)
        {
            writer.WithTraits(traits);
        }

        progress?.Report(writer.Count);
        return writer.Build();
    }

    /// <summary>The traits the query asks for (only the named keys when it names them), or null without <see cref="EventLogQuery.IncludeTraits"/>.</summary>
    internal static Dictionary<string, IReadOnlyDictionary<string, object?>>? Traits(EventStore store, EventLogQuery query)
    {
        if (!query.IncludeTraits)
        {
            return null;
        }

        var wanted = query.TraitNames?.ToHashSet(StringComparer.Ordinal);
        var picker = new TraitPicker(wanted);
        if (wanted is { Count: > 0 } && query.Unit == AnalysisUnit.People && query.ChangedAfterSequence is null
            && query.TraitsUpdatedSince is null && !Identities.Any(store))
        {
            return ExtractedTraits(store, [.. wanted], picker);
        }

        var traits = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);

        // Every person's traits are streamed, not listed first: a list of 2M traits rows as JSON text was the peak.
        var read = query.Unit == AnalysisUnit.Accounts ? Groups.Traits(store, query.TraitsUpdatedSince)
            : query.ChangedAfterSequence is { } changedAfter
            ? store.ReadTraitsOfChanged(changedAfter, query.ChangedTraitsSince)
            : store.StreamTraits(query.TraitsUpdatedSince);
        foreach (var t in read)
        {
            if (picker.Pick(t.Traits) is { } picked)
            {
                traits[t.CustomerId] = picked;
            }
            else if (wanted is null)
            {
                traits[t.CustomerId] = TraitPicker.None;
            }
        }

        return traits;
    }

    /// <summary>
    /// Every customer's wanted traits, extracted inside DuckDB: with no merged ids each customer has one traits row,
    /// so nothing is merged, and only the wanted keys' values cross into .NET instead of every traits object as text
    /// to parse (2M customers' traits were 9 of a persona analysis's 14 s).
    /// </summary>
    private static Dictionary<string, IReadOnlyDictionary<string, object?>> ExtractedTraits(EventStore store, string[] keys, TraitPicker picker)
    {
        using var command = store.Connection.CreateCommand();
        var columns = new List<string>();
        for (var k = 0; k < keys.Length; k++)
        {
            // A JSON Pointer (RFC 6901) names the key whatever characters it holds; bound, never spliced.
            var p = "k" + k.ToString(CultureInfo.InvariantCulture);
            columns.Add($"CAST(json_extract(traits, ${p}) AS VARCHAR)");
            command.Parameters.Add(new DuckDBParameter(p, "/" + keys[k].Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        }

        command.CommandText = "SELECT customer_id, " + string.Join(", ", columns) + " FROM customers";
        var traits = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
        var values = new string?[keys.Length];
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            for (var k = 0; k < keys.Length; k++)
            {
                values[k] = reader.IsDBNull(k + 1) ? null : reader.GetString(k + 1);
            }

            if (picker.PickValues(keys, values) is { } picked)
            {
                traits[reader.GetString(0)] = picked;
            }
        }

        return traits;
    }

    /// <summary>
    /// The WHERE clause (with a leading " WHERE ", or empty) for the query's time range and event names, its values
    /// bound as parameters on <paramref name="command"/>.
    /// </summary>
    internal static string RangeAndNames(DuckDBCommand command, EventLogQuery query)
    {
        var where = new List<string>();
        if (query.From is { } from)
        {
            where.Add("ts >= $from");
            command.Parameters.Add(new DuckDBParameter("from", from.UtcDateTime));
        }

        if (query.To is { } to)
        {
            where.Add("ts < $to");
            command.Parameters.Add(new DuckDBParameter("to", to.UtcDateTime));
        }

        if (query.Events is { } names)
        {
            var placeholders = new List<string>();
            foreach (var name in names.Distinct(StringComparer.Ordinal))
            {
                var p = "n" + placeholders.Count.ToString(CultureInfo.InvariantCulture);
                placeholders.Add("$" + p);
                command.Parameters.Add(new DuckDBParameter(p, name));
            }

            // No names asked for is no events: IN () is not SQL.
            where.Add(placeholders.Count == 0 ? "false" : "event IN (" + string.Join(", ", placeholders) + ")");
        }

        return where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "";
    }

    private static SortedEventLogWriter Read(EventStore store, EventLogQuery query, long total, bool sorted, IProgress<long>? progress)
    {
        var writer = new SortedEventLogWriter((int)Math.Min(Math.Max(total, 16), int.MaxValue));
        var wanted = query.Properties.ToHashSet(StringComparer.Ordinal);
        using var command = store.Connection.CreateCommand();
        var range = RangeAndNames(command, query);
        var where = range.Length > 0 ? new List<string> { range[" WHERE ".Length..] } : [];
        if (query.AfterSequence is { } after)
        {
            where.Add("seq > $after");
            command.Parameters.Add(new DuckDBParameter("after", after));
        }

        if (query.ChangedAfterSequence is { } changedAfter)
        {
            where.Add("customer_id IN (" + EventStore.ChangedCustomers(command, changedAfter, query.ChangedTraitsSince) + ")");
        }

        command.CommandText =
            "SELECT customer_id, event, epoch_us(ts), seq" + (wanted.Count > 0 ? ", CAST(properties AS VARCHAR)" : "")
            + " FROM " + Groups.EventSource(store, query.Unit) + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + (sorted ? " ORDER BY customer_id, ts, seq" : "");
        using var reader = command.ExecuteReader();
        string? lastCustomer = null;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            // One string instance per customer and per event name keeps millions of rows small in memory.
            var customer = reader.GetString(0);
            if (customer == lastCustomer)
            {
                customer = lastCustomer;
            }

            lastCustomer = customer;
            var name = reader.GetString(1);
            if (names.TryGetValue(name, out var known))
            {
                name = known;
            }
            else
            {
                names[name] = name;
            }

            IReadOnlyDictionary<string, object?>? props = null;
            if (wanted.Count > 0 && !reader.IsDBNull(4))
            {
                props = Pick(reader.GetString(4), wanted);
            }

            writer.Add(customer, name, reader.GetInt64(2), reader.GetInt64(3), props);
            if (progress is not null && (writer.Count & 0xFFFF) == 0)
            {
                progress.Report(writer.Count);
            }
        }

        return writer;
    }

    /// <summary>Reads a JSON object's top-level values (all, or only the wanted keys) as CLR values for filters.</summary>
    public static IReadOnlyDictionary<string, object?>? Pick(string json, HashSet<string>? wanted)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        Dictionary<string, object?>? result = null;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (wanted is not null && !wanted.Contains(p.Name))
            {
                continue;
            }

            result ??= new Dictionary<string, object?>(StringComparer.Ordinal);
            result[p.Name] = ToClr(p.Value);
        }

        return result;
    }

    private static object? ToClr(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => e.GetRawText(),
    };
}
