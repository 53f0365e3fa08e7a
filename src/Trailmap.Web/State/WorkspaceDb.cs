using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;

namespace Trailmap.Web.State;

/// <summary>
/// The workspace's own tables (users, keys, journeys and their versions, share links) in the same DuckDB file as
/// the events, on a connection of their own. DuckDB shares one database instance between connections to the same
/// file in a process, so the store and the workspace see one file; one lock serialises this connection's use,
/// because a DuckDB connection is not safe for concurrent callers.
/// </summary>
public sealed class WorkspaceDb : IDisposable
{
    private readonly DuckDBConnection connection;
    private readonly Lock gate = new();

    public WorkspaceDb(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        connection = new DuckDBConnection("DataSource=" + path);
        connection.Open();
        Execute("SET TimeZone = 'UTC'");
    }

    /// <summary>Creates a feature's tables if missing. Each feature owns its DDL, so adding one touches no other file.</summary>
    public void Ensure(string ddl) => Execute(ddl);

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    public T? Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            var value = command.ExecuteScalar();
            if (value is null or DBNull)
            {
                return default;
            }

            var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Runs a query and maps every row while the lock is held; the reader never escapes.</summary>
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

    /// <summary>Runs <paramref name="work"/> in one transaction holding the lock: all of it lands or none.</summary>
    public T InTransaction<T>(Func<Tx, T> work)
    {
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            var result = work(new Tx(this));
            tx.Commit();
            return result;
        }
    }

    public void Dispose() => connection.Dispose();

    private DuckDBCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value switch
            {
                DateTimeOffset d => d.UtcDateTime,
                null => DBNull.Value,
                _ => value,
            }));
        }

        return command;
    }

    /// <summary>The same helpers inside a transaction (the lock is already held).</summary>
    public readonly struct Tx(WorkspaceDb db)
    {
        public int Execute(string sql, params (string Name, object? Value)[] parameters)
        {
            using var command = db.Command(sql, parameters);
            return command.ExecuteNonQuery();
        }

        public T? Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
        {
            using var command = db.Command(sql, parameters);
            var value = command.ExecuteScalar();
            if (value is null or DBNull)
            {
                return default;
            }

            var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }

        public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
        {
            using var command = db.Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    /// <summary>A DuckDB TIMESTAMP read back as UTC.</summary>
    public static DateTimeOffset Utc(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static DateTimeOffset? UtcOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Utc(reader, ordinal);
}
