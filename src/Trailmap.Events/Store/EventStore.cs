using System.Globalization;
using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// Customer events and traits in one embedded DuckDB file. The events table is kept physically ordered by
/// (customer_id, ts, seq) so per-customer scans (funnels, journeys) read it front to back.
/// </summary>
public sealed class EventStore : IEventStore
{
    /// <summary>The file a store opens when the caller names none.</summary>
    public const string DefaultPath = "trailmap.duckdb";

    /// <summary>The schema version this code writes; older stores are migrated on open.</summary>
    public const int SchemaVersion = 2;

    private EventStore(DuckDBConnection connection, string path, TimeProvider time)
    {
        Connection = connection;
        Path = path;
        Time = time;
    }

    /// <summary>The database file, or ":memory:".</summary>
    public string Path { get; }

    internal DuckDBConnection Connection { get; }

    internal TimeProvider Time { get; }

    /// <summary>
    /// Opens (creating or migrating) the store at <paramref name="path"/>; ":memory:" for a throwaway store. A path
    /// that holds something other than a store throws <see cref="StoreLocationException"/> (see <see cref="StoreLocation"/>).
    /// </summary>
    public static EventStore Open(string path = DefaultPath, TimeProvider? time = null) => Open(StoreLocation.Parse(path), time);

    /// <summary>Opens (creating or migrating) the store at an already checked <paramref name="location"/>.</summary>
    public static EventStore Open(StoreLocation location, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        var path = location.Path;
        var memory = DuckDbMemory.Limit;
        var connection = new DuckDBConnection("DataSource=" + path);
        try
        {
            connection.Open();
            var store = new EventStore(connection, path, time ?? TimeProvider.System);
            store.Execute("SET TimeZone = 'UTC'");
            store.Execute("SET memory_limit = " + SqlText.Literal(memory));
            store.Migrate();
            return store;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public ImportSummary Import(IReadOnlyList<string> files, ImportOptions? options = null, IProgress<ImportProgress>? progress = null, CancellationToken cancel = default)
    {
        var summary = EventImporter.Import(this, files, options, progress, cancel);
        // The ingestion pump imports every second and leaves the new rows to the next load's merge of the snapshot's
        // tail; a user's import rebuilds the snapshot now, so the next analysis starts from it.
        if (summary.Imported > 0 && (options?.RefreshSnapshot ?? true))
        {
            EventSnapshot.Refresh(this);
        }

        return summary;
    }

    /// <inheritdoc/>
    public EventLog Load(EventLogQuery query, IProgress<long>? progress = null) => this.LoadEventLog(query, progress);

    /// <summary>
    /// Calls <paramref name="each"/> for every event in (customer_id, ts, seq) order, optionally only the
    /// named events and only timestamps in [<paramref name="from"/>, <paramref name="to"/>).
    /// </summary>
    public void ReadSorted(
        IReadOnlyCollection<string>? eventNames,
        DateTimeOffset? from,
        DateTimeOffset? to,
        Action<EventRow> each)
    {
        ArgumentNullException.ThrowIfNull(each);
        foreach (var row in ReadSorted(eventNames, from, to))
        {
            each(row);
        }
    }

    /// <summary>The same rows as <see cref="ReadSorted(IReadOnlyCollection{string}?, DateTimeOffset?, DateTimeOffset?, Action{EventRow})"/>, streamed.</summary>
    public IEnumerable<EventRow> ReadSorted(IReadOnlyCollection<string>? eventNames, DateTimeOffset? from, DateTimeOffset? to)
    {
        using var command = Connection.CreateCommand();
        var where = new List<string>();
        if (eventNames is not null)
        {
            var names = eventNames.ToArray();
            if (names.Length == 0)
            {
                yield break;
            }

            var placeholders = new List<string>();
            for (var i = 0; i < names.Length; i++)
            {
                placeholders.Add("$e" + i.ToString(CultureInfo.InvariantCulture));
                command.Parameters.Add(new DuckDBParameter("e" + i.ToString(CultureInfo.InvariantCulture), names[i]));
            }

            where.Add("event IN (" + string.Join(", ", placeholders) + ")");
        }

        if (from is { } f)
        {
            where.Add("ts >= $from");
            command.Parameters.Add(new DuckDBParameter("from", f.UtcDateTime));
        }

        if (to is { } t)
        {
            where.Add("ts < $to");
            command.Parameters.Add(new DuckDBParameter("to", t.UtcDateTime));
        }

        command.CommandText =
            "SELECT customer_id, event, ts, message_id, CAST(properties AS VARCHAR), seq FROM " + Identities.EventSource(this)
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY customer_id, ts, seq";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new EventRow(
                reader.GetString(0),
                reader.GetString(1),
                DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
                reader.GetString(3),
                reader.IsDBNull(4) ? "{}" : reader.GetString(4),
                reader.GetInt64(5));
        }
    }

    /// <summary>
    /// One person's events in (ts, seq) order with every property, at most <paramref name="limit"/> of them: the
    /// workspace's customer timeline, which shows properties the analysis never parses. The events of every id merged
    /// into the person are included, each row with the id it was sent with (see <see cref="IdsOf"/>).
    /// </summary>
    public IReadOnlyList<EventRow> ReadCustomer(string customerId, int limit)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        using var command = Connection.CreateCommand();
        command.CommandText =
            "SELECT customer_id, event, ts, message_id, CAST(properties AS VARCHAR), seq FROM events"
            + " WHERE customer_id = $customer OR customer_id IN (SELECT id FROM identities WHERE person_id = $customer)"
            + " ORDER BY ts, seq LIMIT $limit";
        command.Parameters.Add(new DuckDBParameter("customer", customerId));
        command.Parameters.Add(new DuckDBParameter("limit", (long)Math.Max(0, limit)));
        using var reader = command.ExecuteReader();
        var rows = new List<EventRow>();
        while (reader.Read())
        {
            rows.Add(new EventRow(
                reader.GetString(0),
                reader.GetString(1),
                DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
                reader.GetString(3),
                reader.IsDBNull(4) ? "{}" : reader.GetString(4),
                reader.GetInt64(5)));
        }

        return rows;
    }

    /// <summary>
    /// Every person's traits (or those of persons with an update at or after <paramref name="updatedSince"/>), ordered
    /// by person id. The traits of ids merged into a person are merged into one object (see <see cref="PersonTraits"/>).
    /// </summary>
    public IReadOnlyList<CustomerTraits> ReadTraits(DateTimeOffset? updatedSince = null) => [.. StreamTraits(updatedSince)];

    /// <summary>The rows of <see cref="ReadTraits(DateTimeOffset?)"/>, one person at a time, for loads that keep only part of each.</summary>
    internal IEnumerable<CustomerTraits> StreamTraits(DateTimeOffset? updatedSince = null)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = TraitsSelect + (updatedSince is null ? "" : " WHERE " + TraitsPerson + " IN (" + PersonsUpdatedSince + ")") + TraitsOrder;
        if (updatedSince is { } since)
        {
            command.Parameters.Add(new DuckDBParameter("since", since.UtcDateTime));
        }

        foreach (var row in PersonTraits.Stream(command))
        {
            yield return row;
        }
    }

    /// <summary>The persons of <see cref="ReadTraits(DateTimeOffset?)"/> counted as changed since a position (see <see cref="EventLogQuery.ChangedAfterSequence"/>), ordered by person id.</summary>
    public IReadOnlyList<CustomerTraits> ReadTraitsOfChanged(long afterSequence, DateTimeOffset? traitsSince)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = TraitsSelect + " WHERE " + TraitsPerson + " IN (" + ChangedCustomers(command, afterSequence, traitsSince) + ")" + TraitsOrder;
        return PersonTraits.Merge(command);
    }

    /// <summary>The person a traits row belongs to.</summary>
    private const string TraitsPerson = "coalesce(i.person_id, c.customer_id)";

    /// <summary>A person's rows in the order they merge: merged ids by update time, the person's own row last (it wins).</summary>
    private const string TraitsSelect =
        "SELECT " + TraitsPerson + ", CAST(c.traits AS VARCHAR), c.updated_at FROM customers c LEFT JOIN identities i ON i.id = c.customer_id";

    private const string TraitsOrder = " ORDER BY 1, i.person_id IS NULL, c.updated_at, c.customer_id";

    private const string PersonsUpdatedSince =
        "SELECT coalesce(i2.person_id, c2.customer_id) FROM customers c2 LEFT JOIN identities i2 ON i2.id = c2.customer_id WHERE c2.updated_at >= $since";

    /// <summary>Every id of a person: its own first, then the ids merged into it (Segment anonymous ids, aliases).</summary>
    public IReadOnlyList<string> IdsOf(string person) => Identities.IdsOf(this, person);

    /// <summary>The person an id belongs to: itself unless an identify or alias merged it into another.</summary>
    public string PersonOf(string id) => Identities.PersonOf(this, id);

    /// <summary>The persons who are members of <paramref name="account"/> (Segment group calls, the import's --group column), in id order.</summary>
    public IReadOnlyList<string> MembersOf(string account) => Groups.MembersOf(this, account);

    /// <summary>An account's timeline: every member's events in (ts, seq) order, each row with the id it was sent with.</summary>
    public IReadOnlyList<EventRow> ReadAccount(string account, int limit) => Groups.ReadAccount(this, account, limit);

    /// <summary>Changes exactly when identity links were added: a log loaded before that may group events under stale ids.</summary>
    public long IdentityVersion() => Identities.Version(this);

    /// <summary>
    /// The subquery of customers with an event after <paramref name="afterSequence"/> or a traits update at or
    /// after <paramref name="traitsSince"/>, its parameters added to <paramref name="command"/> (bound, never spliced).
    /// </summary>
    internal static string ChangedCustomers(DuckDBCommand command, long afterSequence, DateTimeOffset? traitsSince)
    {
        command.Parameters.Add(new DuckDBParameter("changed_after", afterSequence));
        if (traitsSince is not { } since)
        {
            return "SELECT customer_id FROM resolved_events WHERE seq > $changed_after";
        }

        command.Parameters.Add(new DuckDBParameter("changed_traits", since.UtcDateTime));
        return "SELECT customer_id FROM resolved_events WHERE seq > $changed_after"
            + " UNION SELECT coalesce(i.person_id, c.customer_id) FROM customers c LEFT JOIN identities i ON i.id = c.customer_id WHERE c.updated_at >= $changed_traits";
    }

    /// <summary>The highest arrival sequence number stored, or null for an empty store: where "what landed since" starts.</summary>
    public long? MaxSequence()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT max(seq) FROM events";
        return command.ExecuteScalar() is long max ? max : null;
    }

    /// <summary>
    /// The latest traits update, read before loading a log: traits updated at or after it are all a later extension
    /// of that log needs (re-reading the ones at the very instant is harmless). Null while no customer has traits.
    /// </summary>
    public DateTimeOffset? TraitsWatermark()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT max(updated_at) FROM customers";
        var value = command.ExecuteScalar();
        return value is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }

    /// <summary>Counts for a status line: events, customers (with events or traits), event names, imports.</summary>
    public StoreSummary Summary()
    {
        var events = Scalar<long>("SELECT count(*) FROM events");
        var customers = Scalar<long>(
            "SELECT count(*) FROM (SELECT DISTINCT customer_id FROM resolved_events"
            + " UNION SELECT coalesce(i.person_id, c.customer_id) FROM customers c LEFT JOIN identities i ON i.id = c.customer_id)");
        var imports = Scalar<long>("SELECT count(*) FROM imports");
        var names = new List<EventNameCount>();
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT event, count(*) FROM events GROUP BY event ORDER BY count(*) DESC, event";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            names.Add(new EventNameCount(reader.GetString(0), reader.GetInt64(1)));
        }

        return new StoreSummary(events, customers, names, imports);
    }

    public void Dispose() => Connection.Dispose();

    internal void Execute(string sql, params DuckDBParameter[] parameters)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            command.Parameters.Add(p);
        }

        command.ExecuteNonQuery();
    }

    internal T Scalar<T>(string sql, params DuckDBParameter[] parameters)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            command.Parameters.Add(p);
        }

        var value = command.ExecuteScalar();
        // Convert.ChangeType knows no Nullable<T>: convert to the underlying type (a reopened store reads int? here).
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    private void Migrate()
    {
        Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var version = Scalar<int?>("SELECT max(version) FROM schema_version") ?? 0;
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The store {Path} has schema version {version}, newer than this Trailmap understands ({SchemaVersion}). Upgrade Trailmap.");
        }

        if (version < 1)
        {
            using var tx = Connection.BeginTransaction();
            Execute("CREATE TABLE events " + EventSql.EventsTable);
            Execute("""
                CREATE TABLE customers (
                    customer_id VARCHAR PRIMARY KEY,
                    traits      JSON,
                    updated_at  TIMESTAMP NOT NULL)
                """);
            Execute("""
                CREATE TABLE imports (
                    id          BIGINT PRIMARY KEY,
                    file        VARCHAR NOT NULL,
                    format      VARCHAR NOT NULL,
                    started_at  TIMESTAMP NOT NULL,
                    rows        BIGINT NOT NULL,
                    imported    BIGINT NOT NULL,
                    duplicates  BIGINT NOT NULL,
                    rejected    BIGINT NOT NULL)
                """);
            Execute("INSERT INTO schema_version VALUES (1)");
            tx.Commit();
        }

        if (version < 2)
        {
            using var tx = Connection.BeginTransaction();
            Identities.Create(this);
            Groups.Create(this);
            Execute("INSERT INTO schema_version VALUES (2)");
            tx.Commit();
        }

        // A random id per store, so a snapshot file copied or left beside another store is never taken for its own.
        Execute("CREATE TABLE IF NOT EXISTS store_identity AS SELECT CAST(uuid() AS VARCHAR) AS id");
    }
}
