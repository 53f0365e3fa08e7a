using Trailmap.Analytics.Cohorts;
using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Rules;

/// <summary>
/// Evaluates every intervention and sequence of a journey over an event history as of a moment: which customers
/// the rules fired for, and when. Interventions fire once per firing of their condition; sequences enrol customers on
/// their trigger and fire one <see cref="Trigger"/> per step that fell due (docs/automation.md).
/// </summary>
public sealed class RuleEvaluator
{
    private readonly Journey _journey;
    private readonly EventLog _log;
    private readonly List<Rule> _rules;
    private readonly Func<JourneyMeasurement>? _measure;
    private JourneyMeasurement? _measurement;

    /// <param name="journey">The journey whose interventions and sequences are evaluated.</param>
    /// <param name="log">The event history.</param>
    /// <param name="measurement">
    /// A measurement of this very log by this journey (or one with the same stages), when the caller has one: stage
    /// conditions read its stage entries instead of measuring the journey again. Without it, the first stage
    /// condition measures it.
    /// </param>
    public RuleEvaluator(Journey journey, EventLog log, JourneyMeasurement? measurement = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(log);
        if (measurement is not null && !ReferenceEquals(measurement.Log, log))
        {
            throw new ArgumentException("the measurement is of another event log", nameof(measurement));
        }

        _journey = journey;
        _log = log;
        _measurement = measurement;
        _rules =
        [
            .. journey.Interventions.Select(i => new Rule(i.Id, i.When, null, Audience(i.Audience))),
            .. journey.Sequences.Select(s => new Rule(s.Id, s.Trigger, s, Audience(s.Audience))),
        ];
    }

    /// <param name="journey">The journey whose interventions and sequences are evaluated.</param>
    /// <param name="log">The event history.</param>
    /// <param name="measure">
    /// Gives the measurement of this very log by this journey, called at most once and only when a stage condition
    /// needs it: the running rules pass the one the pages share, or an incremental one of their own.
    /// </param>
    public RuleEvaluator(Journey journey, EventLog log, Func<JourneyMeasurement> measure)
        : this(journey, log)
    {
        ArgumentNullException.ThrowIfNull(measure);
        _measure = measure;
    }

    /// <summary>Every rule id, interventions first, in file order.</summary>
    public IReadOnlyList<string> RuleIds => [.. _rules.Select(r => r.Id)];

    /// <summary>The triggers of every rule as of <paramref name="asOf"/>, ordered by time, rule, customer and occurrence.</summary>
    public IReadOnlyList<Trigger> Evaluate(DateTimeOffset asOf) => Evaluate(_rules, asOf, null);

    /// <summary>
    /// The triggers of every rule as of <paramref name="asOf"/> for only these customers (indexes into the log, in
    /// increasing order): what <see cref="Evaluate(DateTimeOffset)"/> gives for them, since each customer's triggers
    /// depend only on their own history. The running rules walk a large log a slice at a time this way, all slices
    /// reading one measurement.
    /// </summary>
    public IReadOnlyList<Trigger> Evaluate(DateTimeOffset asOf, IReadOnlyList<int> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        return Evaluate(_rules, asOf, customers);
    }

    /// <summary>The triggers of one rule as of <paramref name="asOf"/>.</summary>
    public IReadOnlyList<Trigger> Evaluate(string ruleId, DateTimeOffset asOf)
    {
        var rule = _rules.FirstOrDefault(r => r.Id == ruleId)
            ?? throw new ArgumentException($"the journey has no intervention or sequence '{ruleId}'", nameof(ruleId));
        return Evaluate([rule], asOf, null);
    }

    /// <summary>The triggers due now by the clock: what a scheduler would hand to the planner.</summary>
    public IReadOnlyList<Trigger> Due(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Evaluate(time.GetUtcNow());
    }

    private IReadOnlyList<Trigger> Evaluate(IReadOnlyList<Rule> rules, DateTimeOffset asOf, IReadOnlyList<int>? only)
    {
        var t = EventLogBuilder.ToMicros(asOf);
        var found = new List<(long At, int Rule, int Customer, Trigger Trigger)>();
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var conditions = new ConditionFirings(_journey, _log, rule.When, Entries);
            var exit = rule.Sequence?.Exit is { } e ? new EventMatcher(_log, e) : null;
            var customers = only?.Count ?? _log.CustomerCount;
            var partitions = Math.Max(1, Math.Min(customers, Environment.ProcessorCount * 8));
            var results = new List<(long, int, int, Trigger)>[partitions];
            var ruleIndex = r;
            Parallel.For(0, partitions, p =>
            {
                var local = new List<(long, int, int, Trigger)>();
                var firings = new List<Firing>();
                var from = (int)((long)customers * p / partitions);
                var to = (int)((long)customers * (p + 1) / partitions);
                for (var k = from; k < to; k++)
                {
                    var c = only is null ? k : only[k];
                    firings.Clear();
                    conditions.Collect(c, t, firings);
                    if (rule.Audience is { } audience)
                    {
                        // The audience is judged at the moment the condition fires: a member then, whatever came later.
                        var customer = c;
                        firings.RemoveAll(f => !audience.IsMember(customer, f.At));
                    }
                    if (firings.Count == 0)
                    {
                        continue;
                    }

                    if (rule.Sequence is null)
                    {
                        foreach (var f in firings)
                        {
                            local.Add((f.At, ruleIndex, c, ToTrigger(rule.Id, c, f)));
                        }
                    }
                    else
                    {
                        SequenceRuns.Expand(rule.Sequence, _log, exit, c, t, firings, (at, trigger) => local.Add((at, ruleIndex, c, trigger)));
                    }
                }

                results[p] = local;
            });
            found.EnsureCapacity(found.Count + results.Sum(part => part.Count));
            foreach (var part in results)
            {
                found.AddRange(part);
            }
        }

        found.Sort((a, b) =>
        {
            var c = a.At.CompareTo(b.At);
            if (c == 0)
            {
                c = a.Rule.CompareTo(b.Rule);
            }

            if (c == 0)
            {
                c = a.Customer.CompareTo(b.Customer);
            }

            return c != 0 ? c : string.CompareOrdinal(a.Trigger.Occurrence, b.Trigger.Occurrence);
        });
        return [.. found.Select(f => f.Trigger)];
    }

    private StageEntryTable Entries() => Measurement().EntryTable;

    private JourneyMeasurement Measurement()
    {
        if (_measurement is null)
        {
            var measured = _measure?.Invoke() ?? JourneyMeasurement.Measure(_journey, _log);
            _measurement = ReferenceEquals(measured.Log, _log) ? measured
                : throw new InvalidOperationException("the measurement given for the rules is of another event log");
        }

        return _measurement;
    }

    internal Trigger ToTrigger(string ruleId, int customer, Firing f) =>
        new(ruleId, _log.Customers[customer], EventLogBuilder.FromMicros(f.At), f.Occurrence)
        {
            EventProperties = f.EventIndex >= 0 ? _log.PropertiesOf(f.EventIndex) : null,
        };

    /// <summary>The cohort a rule's <c>audience</c> names, judged on this log; null for a rule without one.</summary>
    private CohortMembership? Audience(string? cohortId) =>
        cohortId is null ? null
            : new CohortMembership(_log, _journey.FindCohort(cohortId)
                ?? throw new ArgumentException($"the rule's audience '{cohortId}' is no cohort of journey '{_journey.Id}'; validate the journey first"));

    private sealed record Rule(string Id, Condition When, Sequence? Sequence, CohortMembership? Audience);
}
