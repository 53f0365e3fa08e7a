using System.Data.Common;
using Trailmap.Delivery;

namespace Trailmap.Web.State;

/// <summary>
/// The workspace's own tables (users, keys, journeys and their versions, share links) in the same DuckDB file as
/// the events, on a connection of their own. DuckDB shares one database instance between connections to the same
/// file in a process, so the store and the workspace see one file; one lock serialises this connection's use,
/// because a DuckDB connection is not safe for concurrent callers.
/// </summary>
public sealed class WorkspaceDb : IDisposable
{
    private readonly LockedConnection db;

    public WorkspaceDb(string path)
    {
        db = LockedConnection.DuckDb(path);
    }

    /// <summary>Creates a feature's tables if missing. Each feature owns its DDL, so adding one touches no other file.</summary>
    public void Ensure(string ddl) => Execute(ddl);

    public int Execute(string sql, params (string Name, object? Value)[] parameters) => db.Execute(sql, parameters);

    public T? Scalar<T>(string sql, params (string Name, object? Value)[] parameters) => db.Scalar<T>(sql, parameters);

    /// <summary>Runs a query and maps every row while the lock is held; the reader never escapes.</summary>
    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters) =>
        db.Query(sql, map, parameters);

    /// <summary>Runs <paramref name="work"/> in one transaction holding the lock: all of it lands or none.</summary>
    public T InTransaction<T>(Func<Tx, T> work) => db.InTransaction(() => work(new Tx(db)));

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
