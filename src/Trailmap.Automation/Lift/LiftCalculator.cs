using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Planning;
using Trailmap.Automation.Rules;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Lift;

/// <summary>
/// The measured effect of one intervention or sequence: goal conversion of treated customers against held-out ones.
/// <see cref="Lift"/> is the difference of the two rates with Newcombe's 95% interval; null when a group is empty.
/// </summary>
public sealed record LiftRecord
{
    public required string RuleId { get; init; }
    public required string Goal { get; init; }
    public required Duration Window { get; init; }
    public long Treated { get; init; }
    public long TreatedConverted { get; init; }
    public long HeldOut { get; init; }
    public long HeldOutConverted { get; init; }
    /// <summary>Triggered customers left out because their window had not closed by the end of the data.</summary>
    public long Pending { get; init; }
    public double? TreatedRate => Treated > 0 ? (double)TreatedConverted / Treated : null;
    public double? HeldOutRate => HeldOut > 0 ? (double)HeldOutConverted / HeldOut : null;
    public Interval? Lift { get; init; }
}

/// <summary>
/// Measures lift per rule: each customer counts once, from their first trigger of the rule; they converted when the
/// rule's goal (an intervention's <c>goal</c>, a sequence's <c>exit</c>) happened after that trigger and within the
/// window (default 14 days). Customers whose window ends after the data are pending, not failures.
/// </summary>
public static class LiftCalculator
{
    public static readonly Duration DefaultWindow = Duration.Parse("14d");

    public static IReadOnlyList<LiftRecord> Measure(Journey journey, EventLog log, IEnumerable<Trigger> triggers, Duration? window = null, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(triggers);
        var w = window ?? DefaultWindow;
        var span = ConditionFirings.Micros(w);
        var end = asOf is { } a ? EventLogBuilder.ToMicros(a) : (log.EventCount > 0 ? log.Timestamps.Max() : long.MinValue);
        var rules = journey.Interventions.Select(i => (i.Id, Goal: i.Goal, i.Holdout))
            .Concat(journey.Sequences.Select(s => (s.Id, Goal: s.Exit, s.Holdout)))
            .Where(r => r.Goal is not null)
            .ToList();
        var firsts = new Dictionary<(string Rule, string Customer), long>();
        foreach (var t in triggers)
        {
            var key = (t.RuleId, t.CustomerId);
            var at = EventLogBuilder.ToMicros(t.At);
            if (!firsts.TryGetValue(key, out var known) || at < known)
            {
                firsts[key] = at;
            }
        }

        var customerIndex = new Dictionary<string, int>(log.CustomerCount, StringComparer.Ordinal);
        for (var c = 0; c < log.CustomerCount; c++)
        {
            customerIndex[log.Customers[c]] = c;
        }

        var records = new List<LiftRecord>();
        foreach (var (id, goal, holdout) in rules)
        {
            var matcher = new EventMatcher(log, goal!);
            long treated = 0, treatedConverted = 0, held = 0, heldConverted = 0, pending = 0;
            foreach (var ((rule, customer), at) in firsts)
            {
                if (rule != id)
                {
                    continue;
                }

                if (at + span > end)
                {
                    pending++;
                    continue;
                }

                var converted = customerIndex.TryGetValue(customer, out var c) && Converted(log, matcher, c, at, span);
                if (Holdout.IsHeldOut(id, customer, holdout))
                {
                    held++;
                    heldConverted += converted ? 1 : 0;
                }
                else
                {
                    treated++;
                    treatedConverted += converted ? 1 : 0;
                }
            }

            records.Add(new LiftRecord
            {
                RuleId = id,
                Goal = goal!.ToString(),
                Window = w,
                Treated = treated,
                TreatedConverted = treatedConverted,
                HeldOut = held,
                HeldOutConverted = heldConverted,
                Pending = pending,
                Lift = treated > 0 && held > 0 ? ProportionDifference.Newcombe(treatedConverted, treated, heldConverted, held) : null,
            });
        }

        return records;
    }

    /// <summary>A goal event strictly after the trigger and at most the window after it.</summary>
    private static bool Converted(EventLog log, EventMatcher goal, int customer, long at, long span)
    {
        var i = goal.First(customer, at + 1);
        return i >= 0 && log.Timestamps[i] <= at + span;
    }
}
