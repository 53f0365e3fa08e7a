using Trailmap.Analytics.Funnels;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>
/// Which measurable stages each customer reached and when. Reach and the chain times come from the very stage funnel
/// <see cref="JourneyAnalyzer"/> counts (same spec, same step masks, same kernel), so a customer listed here as having
/// reached a stage is one the analysis counts there, and the chain times give the analysis's time-to-stage figures.
/// The first entry is SEMANTICS' "in a stage from the first event that meets its entry criterion", the moment the
/// analysis attributes survey answers by; with re-entry the funnel's chain may start at a later event.
/// </summary>
public sealed class StageEntries
{
    private readonly int[] levels;
    private readonly long[] times;
    private readonly Dictionary<string, int> index;
    private readonly EventMatcher[] entries;

    private StageEntries(EventLog log, IReadOnlyList<Stage> stages, int[] levels, long[] times)
    {
        Log = log;
        Stages = stages;
        entries = [.. stages.Select(s => new EventMatcher(log, s.Entry!))];
        this.levels = levels;
        this.times = times;
        index = new Dictionary<string, int>(log.CustomerCount, StringComparer.Ordinal);
        for (var c = 0; c < log.CustomerCount; c++)
        {
            index[log.Customers[c]] = c;
        }
    }

    public EventLog Log { get; }

    /// <summary>The measurable stages (those with an entry criterion), in journey order: the funnel's steps.</summary>
    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>Replays the analysis's stage funnel over <paramref name="log"/>, keeping every customer's chain times.</summary>
    public static StageEntries Measure(Journey journey, EventLog log)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(log);
        var (spec, measured) = JourneyAnalyzer.StageFunnelSpec(journey);
        var n = measured.Count;
        var levels = new int[log.CustomerCount];
        var times = new long[(long)log.CustomerCount * n];
        if (spec is null)
        {
            return new StageEntries(log, measured, levels, times);
        }

        var masks = FunnelEngine.StepMasks(log, spec);
        var kernel = FunnelKernel.For(spec);
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var begin = log.Offsets[c];
            var end = log.Offsets[c + 1];
            levels[c] = kernel.Run(
                masks.AsSpan(begin, end - begin),
                log.Timestamps.AsSpan(begin, end - begin),
                begin,
                times.AsSpan((int)((long)c * n), n),
                out _);
        }

        return new StageEntries(log, measured, levels, times);
    }

    /// <summary>The customer's index in the log, or -1 when the log has no events of theirs.</summary>
    public int IndexOf(string customerId) => index.GetValueOrDefault(customerId, -1);

    /// <summary>How many measurable stages the customer reached (0: not even the first).</summary>
    public int Level(int customer) => levels[customer];

    /// <summary>When the customer's converting chain reached measurable stage <paramref name="stage"/> (microseconds), or null when it did not.</summary>
    public long? EnteredMicros(int customer, int stage) =>
        stage >= 0 && stage < levels[customer] ? times[((long)customer * Stages.Count) + stage] : null;

    public DateTimeOffset? EnteredAt(int customer, int stage) =>
        EnteredMicros(customer, stage) is { } t ? EventLogBuilder.FromMicros(t) : null;

    /// <summary>The log index of the customer's first event that meets the stage's entry criterion, or -1.</summary>
    public int FirstEntryIndex(int customer, int stage) => entries[stage].First(customer);

    /// <summary>When the customer's first event meeting the stage's entry criterion happened, or null when none did.</summary>
    public DateTimeOffset? FirstEntry(int customer, int stage) =>
        FirstEntryIndex(customer, stage) is >= 0 and var i ? EventLogBuilder.FromMicros(Log.Timestamps[i]) : null;

    /// <summary>The position of a stage among the measurable stages, or -1 (unknown, or no entry criterion).</summary>
    public int StageIndex(string stageId)
    {
        for (var k = 0; k < Stages.Count; k++)
        {
            if (Stages[k].Id == stageId)
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>The end of the data: the latest event's time, the "now" of the analysis (health, stuck times).</summary>
    public DateTimeOffset End => JourneyAnalyzer.End(Log);
}
