using System.Data.Common;
using DuckDB.NET.Data;

namespace Trailmap.Delivery;

/// <summary>
/// The DuckDB connection behind the outbox, the suppression list and the in-app queue, and the lock that serialises
/// every use of it: a DuckDB connection is not safe to share between threads, and the dispatcher records results from
/// several sends at once.
/// </summary>
internal sealed class OutboxDatabase : IDisposable
{
    private readonly DuckDBConnection connection;
    private readonly Lock gate = new();

    public OutboxDatabase(string path)
    {
        connection = new DuckDBConnection("DataSource=" + path);
        try
        {
            connection.Open();
            Execute("SET TimeZone = 'UTC'");
            // The outbox runs many tiny statements; with one thread DuckDB skips scheduling work across cores,
            // which costs more than it saves at this size (claims took a quarter of the time in bench/delivery-bench.sh).
            Execute("SET threads = 1");
            Execute(Schema);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // Every table is the delivery's own and created if missing, so the outbox may live in its own file or share one.
    // delivery_outbox has no PRIMARY KEY: DuckDB maintains an ART index on every update (and rewrites it at each
    // checkpoint), which halved enqueue and recording throughput in bench/delivery-bench.sh. Keys stay unique because
    // one process writes a file at a time (DuckDB's file lock) and Outbox.EnqueueMany checks and inserts under
    // this class's lock.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS delivery_outbox (
            idempotency_key VARCHAR NOT NULL,
            rule_id VARCHAR NOT NULL,
            customer_id VARCHAR NOT NULL,
            channel VARCHAR NOT NULL,
            action_json VARCHAR NOT NULL,
            data_json VARCHAR NOT NULL,
            due_at TIMESTAMP NOT NULL,
            enqueued_at TIMESTAMP NOT NULL,
            state VARCHAR NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at TIMESTAMP NOT NULL,
            claimed_at TIMESTAMP,
            last_error VARCHAR,
            receipt VARCHAR,
            sent_at TIMESTAMP,
            finished_at TIMESTAMP
        );
        CREATE TABLE IF NOT EXISTS delivery_paused_rules (
            rule_id VARCHAR PRIMARY KEY,
            paused_since TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS delivery_suppressions (
            address VARCHAR PRIMARY KEY,
            reason VARCHAR NOT NULL,
            suppressed_at TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS delivery_in_app (
            id VARCHAR PRIMARY KEY,
            rule_id VARCHAR NOT NULL,
            customer_id VARCHAR NOT NULL,
            subject VARCHAR,
            message VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            read_at TIMESTAMP
        );
        """;

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            var value = command.ExecuteScalar();
            return value is DBNull ? null : value;
        }
    }

    /// <summary>Runs a query and maps every row while holding the lock (readers must not outlive it).</summary>
    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is committed or none.</summary>
    public T InTransaction<T>(Func<T> work)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var result = work();
            transaction.Commit();
            return result;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            connection.Dispose();
        }
    }

    // DuckDB stores microseconds; truncating here makes what is read back equal what was written.
    public static DateTime ToDb(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }

    public static DateTimeOffset FromDb(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static DateTimeOffset? FromDbOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromDb(reader, ordinal);

    public static string? StringOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private DuckDBCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }

        return command;
    }
}
