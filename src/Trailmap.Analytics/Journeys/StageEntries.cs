using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>
/// Which measurable stages each customer reached and when. Reach and the chain times are the journey's
/// <see cref="JourneyMeasurement"/>, the very one the analysis counts, so a customer listed here as having reached a
/// stage is one the analysis counts there, and the chain times give the analysis's time-to-stage figures.
/// The first entry is SEMANTICS' "in a stage from the first event that meets its entry criterion", the moment the
/// analysis attributes survey answers by; with re-entry the funnel's chain may start at a later event.
/// </summary>
public sealed class StageEntries
{
    private readonly JourneyMeasurement measurement;
    private readonly Dictionary<string, int> index;
    private readonly EventMatcher[] entries;

    internal StageEntries(JourneyMeasurement measurement)
    {
        this.measurement = measurement;
        Log = measurement.Log;
        Stages = measurement.Stages;
        entries = [.. Stages.Select(s => new EventMatcher(Log, s.Entry!))];
        index = new Dictionary<string, int>(Log.CustomerCount, StringComparer.Ordinal);
        for (var c = 0; c < Log.CustomerCount; c++)
        {
            index[Log.Customers[c]] = c;
        }
    }

    public EventLog Log { get; }

    /// <summary>The measurable stages (those with an entry criterion), in journey order: the funnel's steps.</summary>
    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>The customer's index in the log, or -1 when the log has no events of theirs.</summary>
    public int IndexOf(string customerId) => index.GetValueOrDefault(customerId, -1);

    /// <summary>How many measurable stages the customer reached (0: not even the first).</summary>
    public int Level(int customer) => measurement.Level(customer);

    /// <summary>When the customer's converting chain reached measurable stage <paramref name="stage"/> (microseconds), or null when it did not.</summary>
    public long? EnteredMicros(int customer, int stage) => measurement.ChainTime(customer, stage);

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
