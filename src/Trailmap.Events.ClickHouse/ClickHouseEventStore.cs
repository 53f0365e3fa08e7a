using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// Customer events and traits on a ClickHouse cluster (<c>--db clickhouse://HOST:PORT/DATABASE</c>): a Distributed
/// table over per-shard MergeTree tables, each customer on one shard (<see cref="ClickHouseSchema"/>). Timestamps
/// are kept as microseconds since the epoch (Int64), since DateTime64 does not exist before 20.1. Reads order by
/// (customer_id, ts_us, seq) in ClickHouse, as the DuckDB engine's table is ordered.
/// </summary>
public sealed class ClickHouseEventStore : IEventStore
{
    private readonly ClickHouseHttp http;
    private readonly TimeProvider time;

    private ClickHouseEventStore(ClickHouseHttp http, ClickHouseAddress address, IReadOnlyList<string> shards, TimeProvider time)
    {
        this.http = http;
        this.time = time;
        Address = address;
        Shards = shards;
    }

    public ClickHouseAddress Address { get; }

    /// <summary>Every shard's HTTP endpoint (host:port), the entry's first.</summary>
    public IReadOnlyList<string> Shards { get; }

    /// <inheritdoc/>
    public string Path => Address.ToString();

    internal ClickHouseHttp Http => http;

    /// <summary>Connects to the store at <paramref name="address"/>, creating its database and tables on every shard if missing.</summary>
    public static ClickHouseEventStore Open(ClickHouseAddress address, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var http = new ClickHouseHttp(address.Host, address.Port, address);
        try
        {
            var shards = ClickHouseSchema.Ensure(http, address);
            return new ClickHouseEventStore(http, address, shards, time ?? TimeProvider.System);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    private string Table(string name) => Address.Database + "." + name;

    /// <inheritdoc/>
    public ImportSummary Import(IReadOnlyList<string> files, ImportOptions? options = null, IProgress<ImportProgress>? progress = null, CancellationToken cancel = default) =>
        new ClickHouseImport(this, time).Run(files, options, progress, cancel);

    /// <summary>
    /// Copies every event, import, trait and identity link of a DuckDB store here (<c>trailmap migrate</c>), keeping
    /// arrival numbers and import ids; running it again writes nothing new. <paramref name="progress"/> hears events read.
    /// </summary>
    public MigrationSummary CopyFrom(EventStore source, IProgress<long>? progress = null, CancellationToken cancel = default) =>
        new ClickHouseImport(this, time).Copy(source, progress, cancel);

    /// <inheritdoc/>
    public EventLog Load(EventLogQuery query, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var wanted = query.Properties.ToHashSet(StringComparer.Ordinal);
        var where = new List<string>();
        if (query.From is { } from)
        {
            where.Add("ts_us >= " + ClickHouseSql.Number(Micros(from)));
        }

        if (query.To is { } to)
        {
            where.Add("ts_us < " + ClickHouseSql.Number(Micros(to)));
        }

        if (query.Events is { } names)
        {
            var distinct = names.Distinct(StringComparer.Ordinal).ToList();
            where.Add(distinct.Count == 0 ? "0" : "event IN (" + ClickHouseSql.List(distinct) + ")");
        }

        if (query.AfterSequence is { } after)
        {
            where.Add("seq > " + ClickHouseSql.Number(after));
        }

        var persons = PersonMap();
        List<string>? changedIds = null;
        if (query.ChangedAfterSequence is { } changedAfter)
        {
            if (persons is null)
            {
                where.Add("customer_id GLOBAL IN (" + ChangedCustomers(changedAfter, query.ChangedTraitsSince) + ")");
            }
            else
            {
                // A changed id reloads its whole person: every id merged into it, and the person's own.
                changedIds = PersonIds(persons, http.Query(ChangedCustomers(changedAfter, query.ChangedTraitsSince)).Select(r => r[0]));
                where.Add(changedIds.Count == 0 ? "0" : "customer_id IN (" + ClickHouseSql.List(changedIds) + ")");
            }
        }

        var sql = "SELECT customer_id, event, ts_us, seq" + (wanted.Count > 0 ? ", properties" : "")
            + " FROM " + Table("events") + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY customer_id, ts_us, seq";
        var writer = new SortedEventLogWriter();
        var rows = http.Query(sql);
        if (persons is not null)
        {
            // Each id becomes its person, and a merged person's rows are re-sorted by (time, arrival), as DuckDB's
            // resolved_events ORDER BY customer_id, ts, seq gives them.
            rows = [.. rows.Select(r => persons.TryGetValue(r[0], out var person) ? [person, .. r[1..]] : r)
                .OrderBy(r => r[0], StringComparer.Ordinal)
                .ThenBy(r => long.Parse(r[2], CultureInfo.InvariantCulture))
                .ThenBy(r => long.Parse(r[3], CultureInfo.InvariantCulture))];
        }

        string? lastCustomer = null;
        var eventNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            // One string instance per customer and per event name, as the DuckDB loader keeps them.
            var customer = row[0] == lastCustomer ? lastCustomer : row[0];
            lastCustomer = customer;
            if (!eventNames.TryGetValue(row[1], out var name))
            {
                name = eventNames[row[1]] = row[1];
            }

            var props = wanted.Count > 0 && row[4].Length > 0 ? EventLogLoader.Pick(row[4], wanted) : null;
            writer.Add(customer, name, long.Parse(row[2], CultureInfo.InvariantCulture), long.Parse(row[3], CultureInfo.InvariantCulture), props);
            if (progress is not null && (writer.Count & 0xFFFF) == 0)
            {
                progress.Report(writer.Count);
            }
        }

        if (query.IncludeTraits)
        {
            var keep = query.TraitNames?.ToHashSet(StringComparer.Ordinal);
            var traits = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
            var read = query.ChangedAfterSequence is not { } changed ? ReadTraits(query.TraitsUpdatedSince)
                : changedIds is null ? ReadTraitsWhere("customer_id GLOBAL IN (" + ChangedCustomers(changed, query.ChangedTraitsSince) + ")")
                : changedIds.Count == 0 ? []
                : ByPerson(persons!, ReadTraitsWhere("customer_id IN (" + ClickHouseSql.List(changedIds) + ")"), null);
            foreach (var t in read)
            {
                if (EventLogLoader.Pick(t.Traits, keep) is { } picked)
                {
                    traits[t.CustomerId] = picked;
                }
                else if (keep is null)
                {
                    traits[t.CustomerId] = new Dictionary<string, object?>();
                }
            }

            writer.WithTraits(traits);
        }

        progress?.Report(writer.Count);
        return writer.Build();
    }

    private string ChangedCustomers(long afterSequence, DateTimeOffset? traitsSince) =>
        "SELECT customer_id FROM " + Table("events") + " WHERE seq > " + ClickHouseSql.Number(afterSequence)
        + (traitsSince is { } since
            ? " UNION ALL SELECT customer_id FROM " + Table("customers") + " WHERE updated_us >= " + ClickHouseSql.Number(Micros(since))
            : "");

    /// <inheritdoc/>
    public IReadOnlyList<EventRow> ReadCustomer(string customerId, int limit)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        return [.. http.Query(
            "SELECT customer_id, event, ts_us, message_id, properties, seq FROM " + Table("events")
            + " WHERE customer_id IN (" + ClickHouseSql.List(PersonMap() is { } persons ? PersonIds(persons, [customerId], expand: false) : [customerId]) + ")"
            + " ORDER BY ts_us, seq LIMIT " + ClickHouseSql.Number(Math.Max(0, limit)))
            .Select(r => new EventRow(r[0], r[1], FromMicros(r[2]), r[3], r[4].Length == 0 ? "{}" : r[4], long.Parse(r[5], CultureInfo.InvariantCulture)))];
    }

    /// <inheritdoc/>
    public IReadOnlyList<CustomerTraits> ReadTraits(DateTimeOffset? updatedSince = null) =>
        PersonMap() is { } persons ? ByPerson(persons, ReadTraitsWhere(null), updatedSince) : ReadTraitsWhere(null, updatedSince);

    /// <summary>
    /// Each person's traits: the rows of the ids merged into it by update time, then its own, merged key by key (the
    /// DuckDB engine's PersonTraits); with <paramref name="updatedSince"/>, the persons with a row updated since.
    /// </summary>
    private static List<CustomerTraits> ByPerson(Dictionary<string, string> persons, List<CustomerTraits> rows, DateTimeOffset? updatedSince)
    {
        var result = new List<CustomerTraits>();
        foreach (var group in rows.GroupBy(t => persons.GetValueOrDefault(t.CustomerId, t.CustomerId), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(t => t.CustomerId == group.Key).ThenBy(t => t.UpdatedAt).ThenBy(t => t.CustomerId, StringComparer.Ordinal).ToList();
            var updated = ordered.Max(t => t.UpdatedAt);
            if (updatedSince is { } since && updated < since.UtcDateTime)
            {
                continue;
            }

            var traits = ordered[0].Traits;
            foreach (var t in ordered.Skip(1))
            {
                traits = ClickHouseImport.MergePatch(traits, t.Traits);
            }

            result.Add(new CustomerTraits(group.Key, traits, updated));
        }

        return result;
    }

    /// <summary>The person <paramref name="id"/> is merged into, or the id itself (docs/identity.md).</summary>
    public string PersonOf(string id) => PersonMap() is { } persons && persons.TryGetValue(id, out var person) ? person : id;

    /// <summary>Every id of <paramref name="person"/>: its own first, then the ids merged into it, in ordinal order.</summary>
    public IReadOnlyList<string> IdsOf(string person) =>
        [person, .. (PersonMap() ?? []).Where(p => p.Value == person && p.Key != person).Select(p => p.Key).Order(StringComparer.Ordinal)];

    /// <summary>Whether the newest generation of <c>identities</c> merges any id (one row read, not the map).</summary>
    internal bool MergesIds() =>
        Long("SELECT count() FROM (SELECT 1 FROM " + Table("identities")
            + " WHERE generation = (SELECT max(generation) FROM " + Table("identities") + ") AND id != '' LIMIT 1)") > 0;

    /// <summary>The newest generation of <c>identities</c>: each merged id's person, or null when no id is merged.</summary>
    internal Dictionary<string, string>? PersonMap()
    {
        var map = http.Query("SELECT id, person FROM " + Table("identities")
                + " WHERE generation = (SELECT max(generation) FROM " + Table("identities") + ") AND id != ''")
            .ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        return map.Count == 0 ? null : map;
    }

    /// <summary>
    /// Every id of the persons of <paramref name="ids"/> (with <paramref name="expand"/> false: of the ids taken as
    /// persons, as DuckDB's ReadCustomer does): each person's own id and the ids merged into it.
    /// </summary>
    private static List<string> PersonIds(Dictionary<string, string> persons, IEnumerable<string> ids, bool expand = true)
    {
        var wanted = ids.Select(id => expand ? persons.GetValueOrDefault(id, id) : id).ToHashSet(StringComparer.Ordinal);
        return [.. wanted.Concat(persons.Where(kv => wanted.Contains(kv.Value)).Select(kv => kv.Key)).Distinct(StringComparer.Ordinal)];
    }

    // The latest traits row of each customer wins (rows are only appended; version grows with every import).
    private List<CustomerTraits> ReadTraitsWhere(string? where, DateTimeOffset? updatedSince = null) =>
        [.. http.Query(
            "SELECT customer_id, argMax(traits, version), max(updated_us) FROM " + Table("customers")
            + (where is null ? "" : " WHERE " + where)
            + " GROUP BY customer_id"
            + (updatedSince is { } since ? " HAVING max(updated_us) >= " + ClickHouseSql.Number(Micros(since)) : "")
            + " ORDER BY customer_id")
            .Select(r => new CustomerTraits(r[0], r[1].Length == 0 ? "{}" : r[1], FromMicros(r[2])))];

    /// <summary>The latest traits of the named customers, for merging an import's traits into them.</summary>
    internal Dictionary<string, string> TraitsOf(IReadOnlyCollection<string> customers)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (customers.Count > 0)
        {
            foreach (var t in ReadTraitsWhere("customer_id IN (" + ClickHouseSql.List(customers) + ")"))
            {
                result[t.CustomerId] = t.Traits;
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public long? MaxSequence()
    {
        var row = http.Query("SELECT max(seq), count() FROM " + Table("events")).First();
        return row[1] == "0" ? null : long.Parse(row[0], CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public DateTimeOffset? TraitsWatermark()
    {
        var row = http.Query("SELECT max(updated_us), count() FROM " + Table("customers")).First();
        return row[1] == "0" ? null : new DateTimeOffset(FromMicros(row[0]));
    }

    /// <summary>
    /// Changes whenever anything is written, by this process or another: the row counts of the append-only tables
    /// (events, traits, identity generations). One query; <c>count()</c> of a MergeTree is read from part metadata.
    /// </summary>
    public string ChangeMark() =>
        string.Join(',', http.Query("SELECT (SELECT count() FROM " + Table("events") + "), (SELECT count() FROM " + Table("customers")
            + "), (SELECT count() FROM " + Table("identities") + ")").First());

    /// <inheritdoc/>
    public StoreSummary Summary()
    {
        var events = Long("SELECT count() FROM " + Table("events"));
        // Persons: each id counted as the person it is merged into (the newest generation of identities).
        var customers = Long(
            "SELECT uniqExact(if(person = '', customer_id, person)) FROM (SELECT customer_id FROM " + Table("events")
            + " UNION ALL SELECT customer_id FROM " + Table("customers") + ") ANY LEFT JOIN (SELECT id AS customer_id, person FROM "
            + Table("identities") + " WHERE generation = (SELECT max(generation) FROM " + Table("identities") + ") AND id != '') USING customer_id");
        var imports = Long("SELECT count() FROM " + Table("imports"));
        var names = http.Query("SELECT event, count() AS n FROM " + Table("events") + " GROUP BY event ORDER BY n DESC, event")
            .Select(r => new EventNameCount(r[0], long.Parse(r[1], CultureInfo.InvariantCulture)))
            .ToList();
        return new StoreSummary(events, customers, names, imports);
    }

    /// <summary>Every stored identity link, in no particular order (<see cref="IdentityGraph"/> orders them).</summary>
    public IReadOnlyList<IdentityLink> ReadLinks() =>
        [.. http.Query("SELECT from_id, to_id, kind, ts_us, message_id FROM " + Table("identity_links"))
            .Select(r => new IdentityLink(r[0], r[1], r[2] == "alias" ? IdentityLinkKind.Alias : IdentityLinkKind.Identify, FromMicros(r[3]), r[4]))];

    internal long Long(string sql) => long.Parse(http.Scalar(sql) ?? "0", CultureInfo.InvariantCulture);

    public void Dispose() => http.Dispose();

    // Non-ASCII text goes as UTF-8, not \u escapes, which ClickHouse then stores byte for byte.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static long Micros(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    internal static long Micros(DateTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    internal static DateTime FromMicros(string micros) =>
        new(DateTime.UnixEpoch.Ticks + (long.Parse(micros, CultureInfo.InvariantCulture) * 10), DateTimeKind.Utc);

    /// <summary>One JSONEachRow line from property/value pairs (strings and longs), for inserts.</summary>
    internal static void WriteJsonRow(StringBuilder sb, params (string Name, object Value)[] fields)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, JsonOptions))
        {
            json.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                switch (value)
                {
                    case long l: json.WriteNumber(name, l); break;
                    default: json.WriteString(name, (string)value); break;
                }
            }

            json.WriteEndObject();
        }

        sb.Append(Encoding.UTF8.GetString(stream.ToArray())).Append('\n');
    }
}
