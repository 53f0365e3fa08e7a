using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Paths;
using Trailmap.Analytics.Retention;

namespace Trailmap.Events.Analytics;

/// <summary>
/// Where analytics questions are answered: in memory over an <c>EventLog</c> loaded from any store
/// (<see cref="InMemoryAnalytics"/>), or by SQL inside ClickHouse (<see cref="ClickHouse.ClickHouseAnalytics"/>), which
/// returns aggregates only. Both give the same numbers; <see cref="EventEngines.Analytics"/> picks one for a store.
/// </summary>
public interface IAnalytics
{
    /// <summary>The funnel of <paramref name="spec"/> (its From/To bound the events read).</summary>
    FunnelResult Funnel(FunnelSpec spec);

    /// <summary>The retention table of <paramref name="spec"/> over events in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    RetentionTable Retention(RetentionSpec spec, DateTimeOffset? from = null, DateTimeOffset? to = null);

    /// <summary>The <see cref="PathsSpec.Top"/> commonest paths after (or before) each customer's first anchor event.</summary>
    IReadOnlyList<PathCount> Paths(PathsSpec spec);
}
