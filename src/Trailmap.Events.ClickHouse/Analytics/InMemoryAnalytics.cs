using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Paths;
using Trailmap.Analytics.Queries;
using Trailmap.Analytics.Retention;

namespace Trailmap.Events.Analytics;

/// <summary>
/// Answers by loading just the events, properties and traits a question names from <paramref name="store"/> into
/// memory and running the in-process engines: the DuckDB path, and the fallback of the ClickHouse engine for what
/// it does not compute in SQL. With <paramref name="unit"/> accounts, each account's members' events count as one.
/// </summary>
public sealed class InMemoryAnalytics(IEventStore store, AnalysisUnit unit = AnalysisUnit.People) : IAnalytics
{
    public FunnelResult Funnel(FunnelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var log = store.Load(new EventLogQuery
        {
            Properties = FunnelQuery.PropertiesUsed(spec),
            Events = FunnelQuery.EventsUsed(spec),
            IncludeTraits = spec.BreakdownProperty is not null,
            TraitNames = spec.BreakdownProperty is { } breakdown ? [breakdown] : [],
            IncludeSequences = false,
            Unit = unit,
            From = spec.From,
            To = spec.To,
        });
        return FunnelEngine.Run(log, spec);
    }

    public RetentionTable Retention(RetentionSpec spec, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var log = store.Load(new EventLogQuery
        {
            Properties = [.. new[] { spec.StartEvent.Where, spec.ReturnEvent?.Where }.Where(w => w is not null).SelectMany(w => w!.Properties()).Distinct(StringComparer.Ordinal)],
            Events = RetentionQuery.EventsUsed(spec),
            IncludeTraits = false,
            IncludeSequences = false,
            Unit = unit,
            From = from,
            To = to,
        });
        return RetentionEngine.Run(log, spec);
    }

    public IReadOnlyList<PathCount> Paths(PathsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // A path is any events around the anchor, so every event is read (no properties, traits or sequences).
        var log = store.Load(new EventLogQuery
        {
            Properties = [],
            Events = null,
            IncludeTraits = false,
            IncludeSequences = false,
            Unit = unit,
        });
        return PathsEngine.Run(log, spec);
    }
}
