using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using Trailmap.Events;

namespace Trailmap.Bench;

/// <summary>
/// Opens an existing store for <see cref="EventLogLoader.LoadEventLog"/>. Workaround: EventStore.Open fails on any
/// store that already has a schema_version row (EventStore.Scalar&lt;int?&gt; calls Convert.ChangeType(Int32,
/// Nullable&lt;Int32&gt;), which throws InvalidCastException), so the bench opens an in-memory store and points its
/// events table at the file, attached read-only. LoadEventLog runs unchanged: the same query, the same ORDER BY.
/// </summary>
internal static class StoreAccess
{
    public static EventStore OpenExisting(string path)
    {
        var store = EventStore.Open(":memory:");
        var connection = ConnectionOf(store);
        SyntheticData.Execute(connection, $"ATTACH '{path}' AS bench (READ_ONLY)");
        SyntheticData.Execute(connection, "DROP TABLE events");
        SyntheticData.Execute(connection, "CREATE VIEW events AS SELECT * FROM bench.events");
        return store;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Connection")]
    private static extern DuckDBConnection ConnectionOf(EventStore store);
}
