using System.Globalization;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Paths;
using Trailmap.Analytics.Retention;
using Trailmap.Events.Analytics;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// Analytics inside ClickHouse: the query runs per customer on every shard and Trailmap receives one row of
/// aggregates. What is computed in SQL is listed in docs/clickhouse.md (<see cref="ComputesInSql(FunnelSpec)"/>, <see cref="ComputesInSql(RetentionSpec)"/>); any other
/// question goes to <see cref="InMemoryAnalytics"/> over just the events it names, so every answer is the same as on
/// DuckDB either way.
/// </summary>
public sealed class ClickHouseAnalytics(ClickHouseEventStore store) : IAnalytics
{
    private readonly InMemoryAnalytics fallback = new(store);

    /// <summary>
    /// Whether <paramref name="spec"/> is answered by SQL: steps and exclusions without property filters, steps without
    /// windows of their own, no breakdown or conversion over time, and either <c>unordered</c>, or latest re-entry with any of
    /// <c>strict-order</c> (with or without <c>allow-reentry</c>), <c>strict-dedup</c> and <c>strict-once</c>. The strict
    /// modes need distinct step names (one pair per event); <c>strict-once</c> changes nothing then. The reasons for the
    /// rest are in docs/clickhouse.md.
    /// </summary>
    public static bool ComputesInSql(FunnelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // A breakdown and conversion over time need each converting chain's start, which the aggregates do not carry.
        if (spec.BreakdownProperty is not null || spec.OverTime is not null || spec.Steps.Any(s => s.Where is not null || s.Within is not null)
            || spec.Exclusions.Any(e => e.Where is not null))
        {
            return false;
        }

        if (spec.Modes == FunnelModes.Unordered)
        {
            return true;
        }

        const FunnelModes strict = FunnelModes.StrictOrder | FunnelModes.AllowReentry | FunnelModes.StrictDedup | FunnelModes.StrictOnce;
        var distinct = spec.Steps.Select(s => s.Event).Distinct(StringComparer.Ordinal).Count() == spec.Steps.Count;
        return spec.Reentry == FunnelReentry.Latest && (spec.Modes & ~strict) == FunnelModes.None
            && (spec.Modes == FunnelModes.None || distinct);
    }

    /// <summary>
    /// Whether the store merges ids into persons: the SQL groups by the id events were sent with, and a person's ids
    /// may sit on different shards, so such a store is answered by loading the named events, resolved to persons.
    /// </summary>
    private bool MergesIds => store.MergesIds();

    public FunnelResult Funnel(FunnelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!ComputesInSql(spec) || MergesIds)
        {
            return fallback.Funnel(spec);
        }

        // The same checks as the in-memory engine (step count, window), so a bad spec fails the same way.
        FunnelEngine.Run(new Trailmap.Events.SortedEventLogWriter().Build(), spec);
        var row = store.Http.Query(ClickHouseFunnelSql.Build(store.Address.Database, spec, store.Shards.Count > 1)).Single();
        var n = spec.Steps.Count;
        var reached = new long[n];
        for (var k = 0; k < n; k++)
        {
            reached[k] = long.Parse(row[k], CultureInfo.InvariantCulture);
        }

        var steps = new List<FunnelStepResult>(n);
        for (var k = 0; k < n; k++)
        {
            var previous = k == 0 ? reached[0] : reached[k - 1];
            TimeToConvert? time = null;
            if (k > 0)
            {
                // count, sum of seconds (summed in ascending order, as the in-memory engine does), median, p90 in microseconds.
                var at = n + ((k - 1) * 4);
                var count = int.Parse(row[at], CultureInfo.InvariantCulture);
                if (count > 0)
                {
                    var sum = double.Parse(row[at + 1], CultureInfo.InvariantCulture);
                    time = new TimeToConvert(
                        sum / count,
                        long.Parse(row[at + 2], CultureInfo.InvariantCulture) / 1_000_000.0,
                        long.Parse(row[at + 3], CultureInfo.InvariantCulture) / 1_000_000.0,
                        count);
                }
            }

            steps.Add(new FunnelStepResult(
                spec.Steps[k].Name,
                reached[k],
                reached[0] == 0 ? 0 : (double)reached[k] / reached[0],
                previous == 0 ? 0 : (double)reached[k] / previous,
                previous - reached[k],
                time));
        }

        // Aggregates only: no per-customer levels come back from the cluster.
        return new FunnelResult(steps, null, [], []);
    }

    /// <summary>
    /// Whether <paramref name="spec"/> is answered by SQL: every period, bucket and calendar choice is; start or return
    /// events with property conditions are not (18.16 cannot read the JSON properties the way Trailmap's filters do).
    /// </summary>
    public static bool ComputesInSql(RetentionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.StartEvent.Where is null && spec.ReturnEvent?.Where is null;
    }

    public RetentionTable Retention(RetentionSpec spec, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!ComputesInSql(spec) || MergesIds)
        {
            return fallback.Retention(spec, from, to);
        }

        // The same checks as the in-memory engine (periods), so a bad spec fails the same way.
        RetentionEngine.Run(new Trailmap.Events.SortedEventLogWriter().Build(), spec);
        var n = spec.Periods;
        var cohorts = new SortedDictionary<long, (long Size, long[] Retained)>();
        foreach (var row in store.Http.Query(ClickHouseRetentionSql.Build(store.Address.Database, spec, from, to, store.Shards.Count > 1)))
        {
            var key = long.Parse(row[0], CultureInfo.InvariantCulture);
            var period = long.Parse(row[1], CultureInfo.InvariantCulture);
            var count = long.Parse(row[2], CultureInfo.InvariantCulture);
            var cohort = cohorts.TryGetValue(key, out var c) ? c : (0, new long[n + 1]);
            if (period < 0)
            {
                cohort.Size = count;
            }
            else
            {
                cohort.Retained[period] = count;
            }

            cohorts[key] = cohort;
        }

        // Cohort rows and periods only: no customer comes back from the cluster.
        return new RetentionTable(
            [.. cohorts.Select(kv => new RetentionCohort(
                ClickHouseRetentionSql.CohortStart(spec.Period, kv.Key),
                kv.Value.Size,
                kv.Value.Retained,
                [.. kv.Value.Retained.Select(x => 100.0 * x / kv.Value.Size)]))],
            spec);
    }

    /// <summary>Paths in SQL: one row per path, at most <see cref="PathsSpec.Top"/> of them, come back.</summary>
    public IReadOnlyList<PathCount> Paths(PathsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (MergesIds)
        {
            return fallback.Paths(spec);
        }

        // The same checks as the in-memory engine (one anchor, depth and top), so a bad spec fails the same way.
        PathsEngine.Run(new Trailmap.Events.SortedEventLogWriter().Build(), spec);
        return [.. store.Http.Query(ClickHousePathsSql.Build(store.Address.Database, spec, store.Shards.Count > 1))
            .Select(row => new PathCount(ClickHousePathsSql.Names(row[0]), long.Parse(row[1], CultureInfo.InvariantCulture)))];
    }
}
