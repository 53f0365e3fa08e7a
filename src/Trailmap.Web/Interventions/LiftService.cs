using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
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
/// then <see cref="LiftCalculator"/> (docs/automation.md#lift), over the very event log and journey measurement the
/// page shows (so the lift and the stage numbers beside it count the same events). Kept per journey version. Like the analysis, a result
/// that new events (or <see cref="MaxAge"/>, since windows close with time) made stale is still served at once while
/// one background run replaces it: evaluating every rule over a large store takes seconds, and under steady ingestion
/// the data changes several times a second, so waiting for it would make every map view slow. Only a journey version
/// never measured waits.
/// </summary>
public sealed class LiftService(TimeProvider time, ILogger<LiftService> logger)
{
    /// <summary>How long a result is served as current while the events stay the same.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(long Journey, int Version), MeasuredLift> cache = new();
    private readonly Dictionary<(long Journey, int Version), Task<MeasuredLift>> running = [];
    private readonly Lock gate = new();

    /// <summary>
    /// The measured journey with each rule's lift in its actuals, so every rendering of it (the signed-in map, a
    /// share link, an embed, an export) draws what the signed-in map draws.
    /// </summary>
    public async Task<MeasuredJourney> WithLiftAsync(MeasuredJourney measured, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(measured);
        if (measured.Journey.Interventions.Count == 0 && measured.Journey.Sequences.Count == 0)
        {
            return measured;
        }

        var lifted = await MeasureAsync(measured, cancel).ConfigureAwait(false);
        return measured with { Actuals = measured.Actuals with { Interventions = lifted.ToActuals() } };
    }

    public async Task<MeasuredLift> MeasureAsync(MeasuredJourney measured, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var key = (measured.Stored.Id, measured.Version.Version);
        if (cache.TryGetValue(key, out var hit))
        {
            if (hit.DataVersion < measured.DataVersion || time.GetUtcNow() - hit.AsOf >= MaxAge)
            {
                _ = Refresh(key, measured);
            }

            return hit;
        }

        return await Refresh(key, measured).WaitAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Starts a run for the journey version unless one is running (then shares it).</summary>
    private Task<MeasuredLift> Refresh((long Journey, int Version) key, MeasuredJourney measured)
    {
        lock (gate)
        {
            if (running.TryGetValue(key, out var run))
            {
                return run;
            }

            run = Task.Run(() => Run(key, measured));
            running[key] = run;
            return run;
        }
    }

    private MeasuredLift Run((long Journey, int Version) key, MeasuredJourney measured)
    {
        try
        {
            var (journey, log, at) = (measured.Journey, measured.Log, measured.DataVersion);
            var now = time.GetUtcNow();
            if (!HasGoals(journey))
            {
                return cache[key] = new MeasuredLift([], now, at);
            }

            // The measured log holds every property the rules read (AnalysisService loads AutomationProperties.Used).
            var records = LiftCalculator.Measure(journey, log, new RuleEvaluator(journey, log, measured.Measurement).Evaluate(now), asOf: now);
            return cache[key] = new MeasuredLift(records, now, at);
        }
        catch (Exception e) when (cache.ContainsKey(key) && e is not OutOfMemoryException)
        {
            // A background refresh failed: the last result stays; the next request after new data tries again.
            logger.LogWarning(e, "Measuring lift for journey {Journey} v{Version} failed", key.Journey, key.Version);
            return cache[key];
        }
        finally
        {
            lock (gate)
            {
                running.Remove(key);
            }
        }
    }

    private static bool HasGoals(Journey journey) =>
        journey.Interventions.Any(i => i.Goal is not null) || journey.Sequences.Any(s => s.Exit is not null);
}
