using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Rules;

/// <summary>
/// Turns a sequence's trigger firings into runs and due steps. A run starts at a firing the reentry policy allows;
/// step k is due at start + its offset (day_k days, or its 'after' duration) and is dropped when the exit goal happened in [start, due]; a run ends at its
/// exit or its last step, whichever comes first.
/// </summary>
internal static class SequenceRuns
{
    public static void Expand(Sequence sequence, EventLog log, EventMatcher? exit, int customer, long asOf, List<Firing> firings, Action<long, Trigger> emit)
    {
        var runs = 0;
        var lastRunEnd = long.MinValue;
        var lastOffset = sequence.Steps.Count == 0 ? 0 : sequence.Steps.Max(OffsetMicros);
        foreach (var f in firings)
        {
            var allowed = sequence.Reentry switch
            {
                Reentry.Never => runs == 0,
                Reentry.AfterExit => runs == 0 || lastRunEnd <= f.At,
                _ => true,
            };
            if (!allowed)
            {
                continue;
            }

            runs++;
            var start = f.At;
            var exitAt = ExitTime(log, exit, customer, start, asOf);
            lastRunEnd = Math.Min(exitAt, start + lastOffset);
            var run = f.Occurrence;
            for (var k = 0; k < sequence.Steps.Count; k++)
            {
                var due = start + OffsetMicros(sequence.Steps[k]);
                if (due > asOf || exitAt <= due)
                {
                    continue;
                }

                emit(due, new Trigger(sequence.Id, log.Customers[customer], EventLogBuilder.FromMicros(due), Occurrence.Step(run, k + 1))
                {
                    Step = k + 1,
                    EnrolledAt = EventLogBuilder.FromMicros(start),
                    EventProperties = f.EventIndex >= 0 ? log.PropertiesOf(f.EventIndex) : null,
                });
            }
        }
    }

    private static long OffsetMicros(SequenceStep step) => step.Offset.Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>The first exit event at or after the run's start (and at or before asOf), or Never.</summary>
    private static long ExitTime(EventLog log, EventMatcher? exit, int customer, long start, long asOf)
    {
        if (exit is null)
        {
            return StageEntryTable.Never;
        }

        var i = exit.First(customer, start);
        return i >= 0 && log.Timestamps[i] <= asOf ? log.Timestamps[i] : StageEntryTable.Never;
    }
}
