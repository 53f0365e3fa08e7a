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

        if (query.ChangedAfterSequence is { } changedAfter)
        {
            where.Add("customer_id GLOBAL IN (" + ChangedCustomers(changedAfter, query.ChangedTraitsSince) + ")");
        }

        var sql = "SELECT customer_id, event, ts_us, seq" + (wanted.Count > 0 ? ", properties" : "")
            + " FROM " + Table("events") + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY customer_id, ts_us, seq";
        var writer = new SortedEventLogWriter();
        string? lastCustomer = null;
        var eventNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in http.Query(sql))
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
            var read = query.ChangedAfterSequence is { } changed
                ? ReadTraitsWhere("customer_id GLOBAL IN (" + ChangedCustomers(changed, query.ChangedTraitsSince) + ")")
                : ReadTraits(query.TraitsUpdatedSince);
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
            + " WHERE customer_id = " + ClickHouseSql.Literal(customerId)
            + " ORDER BY ts_us, seq LIMIT " + ClickHouseSql.Number(Math.Max(0, limit)))
            .Select(r => new EventRow(r[0], r[1], FromMicros(r[2]), r[3], r[4].Length == 0 ? "{}" : r[4], long.Parse(r[5], CultureInfo.InvariantCulture)))];
    }

    /// <inheritdoc/>
    public IReadOnlyList<CustomerTraits> ReadTraits(DateTimeOffset? updatedSince = null) =>
        ReadTraitsWhere(null, updatedSince);

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

    /// <inheritdoc/>
    public StoreSummary Summary()
    {
        var events = Long("SELECT count() FROM " + Table("events"));
        var customers = Long(
            "SELECT uniqExact(customer_id) FROM (SELECT customer_id FROM " + Table("events")
            + " UNION ALL SELECT customer_id FROM " + Table("customers") + ")");
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
