using System.Data.Common;
using Trailmap.Delivery;

namespace Trailmap.Web.State;

/// <summary>
/// The workspace's own tables (members, sessions, keys, journeys and their versions, share links, the data-protection
/// key ring) on one of two engines. By default in the same DuckDB file as the events, on a connection of their own
/// (DuckDB shares one database instance between connections to the same file in a process). With <c>--state
/// postgres://</c> in PostgreSQL, shared by every node (<see cref="PostgresWorkspaceSchema"/>). One lock serialises
/// this connection's use, because neither engine's connection is safe for concurrent callers. The stores' SQL runs
/// unchanged on both.
/// </summary>
public sealed class WorkspaceDb : IDisposable
{
    /// <summary>
    /// The service key of the node's own DuckDB file as a <see cref="WorkspaceDb"/>, for what belongs to one node
    /// (its import jobs); the same instance as the workspace's without <c>--state</c>.
    /// </summary>
    public const string NodeFile = "node-file";

    private readonly LockedConnection db;
    private readonly int? transactionKey;

    /// <summary>The workspace in a DuckDB file (the <c>--db</c> file).</summary>
    public WorkspaceDb(string path)
    {
        db = LockedConnection.DuckDb(path);
    }

    private WorkspaceDb(LockedConnection db, int transactionKey)
    {
        this.db = db;
        this.transactionKey = transactionKey;
    }

    /// <summary>The workspace in PostgreSQL, its tables created or upgraded by the versioned steps of <see cref="PostgresWorkspaceSchema"/>.</summary>
    public static WorkspaceDb Open(PostgresAddress address)
    {
        var db = LockedConnection.Postgres(address);
        try
        {
            PostgresSchema.Migrate((Npgsql.NpgsqlConnection)db.Connection, address, PostgresWorkspaceSchema.Component, PostgresWorkspaceSchema.Steps);
            return new WorkspaceDb(db, PostgresSchema.Key(address.Schema ?? "public"));
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when other processes write these tables too (PostgreSQL, several nodes): what a store caches in memory may
    /// then be stale, and it must ask the database.
    /// </summary>
    public bool SharedByNodes => transactionKey is not null;

    /// <summary>
    /// Creates a feature's tables in the DuckDB file if missing: each feature owns its DDL, so adding one touches no
    /// other file. On PostgreSQL the tables come from <see cref="PostgresWorkspaceSchema"/>'s versioned steps
    /// (several nodes must agree on one version), so this does nothing there.
    /// </summary>
    public void Ensure(string ddl)
    {
        if (!SharedByNodes)
        {
            Execute(ddl);
        }
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters) => db.Execute(sql, parameters);

    public T? Scalar<T>(string sql, params (string Name, object? Value)[] parameters) => db.Scalar<T>(sql, parameters);

    /// <summary>Runs a query and maps every row while the lock is held; the reader never escapes.</summary>
    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters) =>
        db.Query(sql, map, parameters);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction holding the lock: all of it lands or none. On PostgreSQL the
    /// transaction first takes a transaction-scoped advisory lock shared by every node, so the checks and inserts the
    /// stores make in one transaction (the first admin, "no such email", the next id) are serialised across nodes as
    /// the connection's lock serialises them within one.
    /// </summary>
    public T InTransaction<T>(Func<Tx, T> work) => db.InTransaction(() =>
    {
        if (transactionKey is { } key)
        {
            db.Execute("SELECT pg_advisory_xact_lock($class, $key)", ("class", PostgresWorkspaceSchema.TransactionLockClass), ("key", key));
        }

        return work(new Tx(db));
    });

    public void Dispose() => db.Dispose();

    /// <summary>The same helpers inside a transaction (the lock is already held).</summary>
    public readonly struct Tx(LockedConnection db)
    {
        public int Execute(string sql, params (string Name, object? Value)[] parameters) => db.Execute(sql, parameters);

        public T? Scalar<T>(string sql, params (string Name, object? Value)[] parameters) => db.Scalar<T>(sql, parameters);

        public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters) =>
            db.Query(sql, map, parameters);
    }

    /// <summary>A TIMESTAMP read back as UTC.</summary>
    public static DateTimeOffset Utc(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static DateTimeOffset? UtcOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Utc(reader, ordinal);
}
