using Trailmap.Analytics.Funnels;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>
/// One journey measured against one event log: per customer, the stage funnel's level, the converting chain's stage
/// times, when the level first reached each stage, and the health score. The analysis, the insight pages (stage
/// drill-downs, customer lists, timelines) and the automation's stage conditions all read this one measurement
/// instead of replaying the stage funnel each for itself, so they cannot disagree.
/// </summary>
/// <remarks>
/// A customer's stage figures depend on that customer's events only (not on traits, nor on the end of the data), so a
/// measurement of a log that extends an earlier one (<see cref="EventLog.Extend"/>: same customers first, events only
/// added) copies every customer whose events did not change and runs the kernel for the others alone. Health is scored
/// again for everyone each time: its "now" is the end of the data, which moves with every new event.
/// </remarks>
public sealed class JourneyMeasurement
{
    private readonly int[] levels;
    private readonly long[] chainTimes;
    private readonly long[]? firstReached;
    private readonly Lazy<StageEntryTable> entryTable;
    private readonly Lazy<StageEntries> entries;
    private readonly Lazy<HealthPass?> health;

    private JourneyMeasurement(Journey journey, EventLog log, FunnelSpec? spec, List<Stage> stages, int[] levels, long[] chainTimes, long[]? firstReached, int scanned)
    {
        Journey = journey;
        Log = log;
        Spec = spec;
        Stages = stages;
        this.levels = levels;
        this.chainTimes = chainTimes;
        this.firstReached = firstReached;
        Scanned = scanned;
        StageFunnel = spec is null ? null : FunnelEngine.Summary(log, spec, levels, chainTimes);
        entryTable = new Lazy<StageEntryTable>(() => new StageEntryTable([.. stages.Select(s => s.Id)], firstReached ?? ScanFirstReached()));
        entries = new Lazy<StageEntries>(() => new StageEntries(this));
        health = new Lazy<HealthPass?>(ScoreHealth);
    }

    public Journey Journey { get; }

    public EventLog Log { get; }

    /// <summary>The measurable stages (those with an entry criterion), in journey order: the stage funnel's steps.</summary>
    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>The stage funnel's numbers (null when no stage has an entry criterion).</summary>
    public FunnelResult? StageFunnel { get; }

    /// <summary>When each customer's level first reached each stage: what the automation's stage conditions read.</summary>
    public StageEntryTable EntryTable => entryTable.Value;

    /// <summary>Every customer's stage reach, chain times and first entries, for the insight pages.</summary>
    public StageEntries Entries => entries.Value;

    /// <summary>How many customers this measurement ran the stage funnel for (the rest were copied): tests read it.</summary>
    public int Scanned { get; }

    /// <summary>The health section as of the end of the data; null when the journey has no health model.</summary>
    public HealthAnalysis? Health => health.Value?.Analysis;

    /// <summary>Every scored customer's health as of the end of the data, lowest first; empty without a health model.</summary>
    public IReadOnlyList<CustomerHealthScore> CustomerHealth => health.Value?.Customers.Value ?? [];

    internal FunnelSpec? Spec { get; }

    /// <summary>
    /// Measures <paramref name="journey"/> against <paramref name="log"/>. With <paramref name="previous"/>, a measurement
    /// of the same journey version against a log this one extends, only the customers with new events are measured
    /// again; any other previous measurement is ignored and everyone is measured. Without <paramref name="entryTimes"/>
    /// (a one-shot analysis, which never asks) the first-reached times are not kept: 8 bytes a customer and stage, 80 MB
    /// at 2M customers and 5 stages; <see cref="EntryTable"/> then runs the stage funnel again if it is ever asked for.
    /// </summary>
    public static JourneyMeasurement Measure(Journey journey, EventLog log, JourneyMeasurement? previous = null, bool entryTimes = true)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(log);
        var (spec, stages) = JourneyAnalyzer.StageFunnelSpec(journey);
        var n = stages.Count;
        var customers = log.CustomerCount;
        var levels = new int[customers];
        var chainTimes = new long[(long)customers * n];
        var firstReached = entryTimes ? new long[(long)customers * n] : null;
        if (spec is null)
        {
            return new JourneyMeasurement(journey, log, null, stages, levels, chainTimes, firstReached, 0);
        }

        int[]? only = null;
        if (previous is not null && previous.Spec is not null && previous.Stages.Count == n && (previous.firstReached is not null || !entryTimes)
            && log.Extends(previous.Log))
        {
            only = CopyUnchanged(previous, log, n, levels, chainTimes, firstReached);
        }

        FunnelEngine.Scan(log, spec, only, levels, chainTimes, new int[customers], firstReached);
        return new JourneyMeasurement(journey, log, spec, stages, levels, chainTimes, firstReached, only?.Length ?? customers);
    }

    /// <summary>How many measurable stages the customer reached (0: not even the first).</summary>
    public int Level(int customer) => levels[customer];

    /// <summary>When the customer's converting chain reached measurable stage <paramref name="stage"/> (microseconds), or null below their level.</summary>
    public long? ChainTime(int customer, int stage) =>
        stage >= 0 && stage < levels[customer] ? chainTimes[((long)customer * Stages.Count) + stage] : null;

    /// <summary>
    /// Copies the figures of every customer whose events are the same in both logs and returns the others: customers
    /// with more events than before, and customers new to the log (they come after the known ones).
    /// </summary>
    private static int[] CopyUnchanged(JourneyMeasurement previous, EventLog log, int n, int[] levels, long[] chainTimes, long[]? firstReached)
    {
        var old = previous.Log;
        var changed = new List<int>();
        for (var c = 0; c < old.CustomerCount; c++)
        {
            if (log.Offsets[c + 1] - log.Offsets[c] != old.Offsets[c + 1] - old.Offsets[c])
            {
                changed.Add(c);
                continue;
            }

            levels[c] = previous.levels[c];
        }

        Array.Copy(previous.chainTimes, chainTimes, (long)old.CustomerCount * n);
        if (firstReached is not null)
        {
            Array.Copy(previous.firstReached!, firstReached, (long)old.CustomerCount * n);
        }
        for (var c = old.CustomerCount; c < log.CustomerCount; c++)
        {
            changed.Add(c);
        }

        return [.. changed];
    }

    /// <summary>The first-reached times of a measurement that did not keep them: the stage funnel once more, on demand.</summary>
    private long[] ScanFirstReached()
    {
        var customers = Log.CustomerCount;
        var n = Stages.Count;
        var reached = new long[(long)customers * n];
        if (Spec is not null)
        {
            FunnelEngine.Scan(Log, Spec, null, new int[customers], new long[(long)customers * n], new int[customers], reached);
        }

        return reached;
    }

    private HealthPass? ScoreHealth()
    {
        if (Journey.Health is not { Components.Count: > 0 } model)
        {
            return null;
        }

        var scores = new double[Log.CustomerCount];
        var weakest = new string?[Log.CustomerCount];
        Array.Fill(scores, double.NaN);
        var analysis = JourneyAnalyzer.Health(Journey, model, Log, JourneyAnalyzer.End(Log), (scores, weakest));
        return new HealthPass(analysis, new Lazy<IReadOnlyList<CustomerHealthScore>>(() => Enumerable.Range(0, scores.Length)
            .Where(c => !double.IsNaN(scores[c]))
            .Select(c => new CustomerHealthScore(Log.Customers[c], scores[c], HealthModel.Band(scores[c]), weakest[c]!))
            .OrderBy(x => x.Score)
            .ThenBy(x => x.Customer, StringComparer.Ordinal)
            .ToList()));
    }

    private sealed record HealthPass(HealthAnalysis Analysis, Lazy<IReadOnlyList<CustomerHealthScore>> Customers);
}
