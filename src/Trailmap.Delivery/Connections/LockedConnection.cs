using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Npgsql;

namespace Trailmap.Delivery;

/// <summary>
/// One database connection with one owner, serialised by a lock (neither a DuckDB nor an Npgsql connection is safe
/// for concurrent callers), with parameterised Execute, Scalar, Query and InTransaction. The outbox, the rules'
/// state and the workspace each hold one, on DuckDB or on PostgreSQL. SQL names parameters as <c>$name</c> (DuckDB's
/// syntax) on both engines, so one statement serves both; values are always bound, never spliced into the text.
/// </summary>
public sealed partial class LockedConnection : IDisposable
{
    private readonly DbConnection connection;
    private readonly bool postgres;

    private LockedConnection(DbConnection connection, bool postgres)
    {
        this.connection = connection;
        this.postgres = postgres;
    }

    /// <summary>A connection to a DuckDB file (joining the database instance other connections of this process share), in UTC.</summary>
    public static LockedConnection DuckDb(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var duck = new DuckDBConnection("DataSource=" + path);
        try
        {
            duck.Open();
            var locked = new LockedConnection(duck, postgres: false);
            locked.Execute("SET TimeZone = 'UTC'");
            return locked;
        }
        catch
        {
            duck.Dispose();
            throw;
        }
    }

    /// <summary>A PostgreSQL session (the address's connection string sets UTC and keepalives).</summary>
    public static LockedConnection Postgres(PostgresAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var npgsql = new NpgsqlConnection(address.ConnectionString);
        try
        {
            npgsql.Open();
            return new LockedConnection(npgsql, postgres: true);
        }
        catch
        {
            npgsql.Dispose();
            throw;
        }
    }

    /// <summary>The lock every use takes; an owner holds it for its own multi-statement work (it is reentrant).</summary>
    public Lock Gate { get; } = new();

    /// <summary>The connection itself, for engine-specific work (DuckDB's appender, a migration) done under <see cref="Gate"/>.</summary>
    public DbConnection Connection => connection;

    public bool IsPostgres => postgres;

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (Gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    /// <summary>The first column of the first row, or null for no row or SQL NULL.</summary>
    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (Gate)
        {
            using var command = Command(sql, parameters);
            var value = command.ExecuteScalar();
            return value is DBNull ? null : value;
        }
    }

    /// <summary>The first column of the first row converted to <typeparamref name="T"/> (engines differ in integer widths), or default.</summary>
    public T? Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        var value = Scalar(sql, parameters);
        if (value is null)
        {
            return default;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a query and maps every row while the lock is held; the reader never escapes it.</summary>
    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        lock (Gate)
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

    /// <summary>Runs <paramref name="work"/> in one transaction holding the lock: all of it is committed or none.</summary>
    public T InTransaction<T>(Func<T> work)
    {
        lock (Gate)
        {
            using var transaction = BeginTransaction();
            var result = work();
            transaction.Commit();
            return result;
        }
    }

    public void InTransaction(Action work) => InTransaction(() =>
    {
        work();
        return 0;
    });

    /// <summary>Begins a transaction; the caller holds <see cref="Gate"/> until it ends.</summary>
    public DbTransaction BeginTransaction()
    {
        Reopen();
        return connection.BeginTransaction();
    }

    /// <summary>A command with its parameters bound; the caller holds <see cref="Gate"/> while it runs.</summary>
    public DbCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Reopen();
        var command = connection.CreateCommand();
        // Npgsql's named form is @name.
        command.CommandText = postgres ? ParameterName().Replace(sql, "@$1") : sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value switch
            {
                null => DBNull.Value,
                // Both engines keep microseconds in UTC; truncating here (PostgreSQL would round) makes what is read
                // back equal what was written, on either engine.
                DateTimeOffset d => new DateTime(d.UtcTicks - (d.UtcTicks % 10), DateTimeKind.Utc),
                _ => value,
            };
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public void Dispose()
    {
        lock (Gate)
        {
            connection.Dispose();
        }
    }

    // A PostgreSQL session that broke (the server restarted, the network dropped it, an administrator ended it)
    // failed the statement that found it broken; the next one gets a fresh session instead of failing for the rest of
    // the process's life. A DuckDB connection does not break this way.
    private void Reopen()
    {
        if (postgres && connection.State is not System.Data.ConnectionState.Open)
        {
            connection.Close();
            connection.Open();
        }
    }

    [GeneratedRegex(@"\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ParameterName();
}
