using Trailmap.Events.Analytics;
using Trailmap.Events.ClickHouse;

namespace Trailmap.Events;

/// <summary>
/// The one place where <c>--db</c> picks an engine: a <c>clickhouse://</c> address opens the ClickHouse store and its
/// SQL analytics; anything else is a DuckDB file (or ":memory:"), checked by <see cref="StoreLocation"/>, with
/// analytics in memory.
/// </summary>
public static class EventEngines
{
    /// <summary>Opens (creating if missing) the store <paramref name="db"/> names.</summary>
    public static IEventStore Open(string db, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ClickHouseAddress.IsClickHouse(db)
            ? ClickHouseEventStore.Open(ClickHouseAddress.Parse(db), time)
            : EventStore.Open(db, time);
    }

    /// <summary>Where <paramref name="store"/>'s analytics questions are answered.</summary>
    public static IAnalytics Analytics(IEventStore store) => store switch
    {
        ClickHouseEventStore clickHouse => new ClickHouseAnalytics(clickHouse),
        _ => new InMemoryAnalytics(store),
    };
}
