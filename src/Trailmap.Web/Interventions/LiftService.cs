using System.Collections.Concurrent;
using Trailmap.Automation.Lift;
using Trailmap.Automation.Rules;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Interventions;

/// <summary>A journey version's lift per rule, measured as of <see cref="AsOf"/> over the events at <see cref="DataVersion"/>.</summary>
public sealed record MeasuredLift(IReadOnlyList<LiftRecord> Records, DateTimeOffset AsOf, long DataVersion)
{
    public LiftRecord? For(string ruleId) => Records.FirstOrDefault(r => r.RuleId == ruleId);

    /// <summary>The records in the actuals' shape, which the map renderer draws beside each rule's stage.</summary>
    public IReadOnlyList<InterventionActual> ToActuals() => [.. Records.Select(ToActual)];

    public static InterventionActual ToActual(LiftRecord r) => new()
    {
        Id = r.RuleId,
        Goal = r.Goal,
        WindowSeconds = r.Window.TotalSeconds,
        Treated = r.Treated,
        TreatedConverted = r.TreatedConverted,
        HeldOut = r.HeldOut,
        HeldOutConverted = r.HeldOutConverted,
        Pending = r.Pending,
        Lift = r.Lift?.Estimate,
        LiftLow = r.Lift?.Low,
        LiftHigh = r.Lift?.High,
    };
}

/// <summary>
/// Lift of every intervention and sequence with a goal: the rules evaluated over the workspace's events as of now,
/// then <see cref="LiftCalculator"/> (docs/automation.md#lift). Cached per (journey version, data version) like the
/// analysis, and at most <see cref="MaxAge"/> old, because windows close with time even when no events arrive.
/// </summary>
public sealed class LiftService(EventData data, TimeProvider time)
{
    /// <summary>How long a result is served while the events stay the same.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(long Journey, int Version), MeasuredLift> cache = new();

    public async Task<MeasuredLift> MeasureAsync(MeasuredJourney measured, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var key = (measured.Stored.Id, measured.Version.Version);
        var at = data.Version;
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var hit) && hit.DataVersion == at && now - hit.AsOf < MaxAge)
        {
            return hit;
        }

        var journey = measured.Journey;
        if (!HasGoals(journey))
        {
            // Nothing to measure: skip loading events for rules that name no goal.
            return cache[key] = new MeasuredLift([], now, at);
        }

        var log = await data.LogAsync(AutomationProperties.Used(journey), cancel).ConfigureAwait(false);
        var records = await Task.Run(
            () => LiftCalculator.Measure(journey, log, new RuleEvaluator(journey, log).Evaluate(now), asOf: now),
            cancel).ConfigureAwait(false);
        return cache[key] = new MeasuredLift(records, now, at);
    }

    private static bool HasGoals(Journey journey) =>
        journey.Interventions.Any(i => i.Goal is not null) || journey.Sequences.Any(s => s.Exit is not null);
}
