using System.Globalization;
using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Rules;

/// <summary>
/// One instant a condition held for a customer. The occurrence key is <see cref="Kind"/>, the stamp of
/// <see cref="Anchor"/> (the instant in history the firing is about) and <see cref="Ordinal"/> among firings sharing it.
/// </summary>
internal readonly record struct Firing(long At, string Kind, long Anchor, int Ordinal, int EventIndex)
{
    public string Occurrence => Rules.Occurrence.Of(Kind, Anchor, Ordinal);
}

/// <summary>
/// A condition compiled against one log: lists a customer's firings as of a moment, in time order. Every firing
/// depends only on events at or before its own time, so the firings as of T are exactly the firings as of any later
/// moment that fall at or before T (docs/automation.md, "Conditions").
/// </summary>
internal sealed class ConditionFirings
{
    public const long Day = 86_400_000_000;

    private readonly Condition _condition;
    private readonly EventLog _log;
    private readonly EventMatcher? _matcher;
    private readonly long _for;
    private readonly StageEntryTable? _entries;
    private readonly int _stage = -1;
    private readonly MomentDeadlines? _moment;
    private readonly HealthScorer? _health;
    private readonly EventMatcher? _healthPopulation;

    public ConditionFirings(Journey journey, EventLog log, Condition condition, Func<StageEntryTable> entries)
    {
        _condition = condition;
        _log = log;
        if (condition.Event is { } e)
        {
            _matcher = new EventMatcher(log, e);
        }
        else if (condition.InactiveFor is { } d)
        {
            _matcher = new EventMatcher(log, condition.InactiveEvent!);
            _for = Micros(d);
        }
        else if (condition.EnteredStage is { } entered)
        {
            _entries = entries();
            _stage = _entries.IndexOf(entered);
        }
        else if (condition.StuckInStage is { } stuck)
        {
            _entries = entries();
            _stage = _entries.IndexOf(stuck);
            _for = Micros(condition.StuckFor ?? default);
        }
        else if (condition.MissedMoment is { } moment && journey.MomentsOfTruth.FirstOrDefault(m => m.Id == moment) is { } mot)
        {
            _moment = JourneyAnalyzer.MomentTimes(journey, log, mot);
        }
        else if (condition.Metric is { } metric && metric.Properties().Contains(HealthProperty, StringComparer.Ordinal) && journey.Health is { Components.Count: > 0 } model)
        {
            _health = new HealthScorer(model, log);
            _healthPopulation = model.Stage is { } s && journey.FindStage(s)?.Entry is { } entry ? new EventMatcher(log, entry) : null;
        }
    }

    /// <summary>The metric name that reads the journey's health score (0-100).</summary>
    public const string HealthProperty = "health";

    /// <summary>Whole days since the customer's first event, at the moment of measurement.</summary>
    public const string DaysSinceStartProperty = "days_since_start";

    /// <summary>Whole days since the customer's latest event, at the moment of measurement.</summary>
    public const string DaysInactiveProperty = "days_inactive";

    public static long Micros(Duration d) => (long)(d.Span.Ticks / 10);

    /// <summary>Appends the customer's firings with <c>At &lt;= asOf</c>, in time order.</summary>
    public void Collect(int customer, long asOf, List<Firing> into)
    {
        var begin = _log.Offsets[customer];
        var end = _log.Offsets[customer + 1];
        if (begin == end || _log.Timestamps[begin] > asOf)
        {
            return;
        }

        if (_condition.Event is not null)
        {
            Events(begin, end, asOf, into);
        }
        else if (_condition.InactiveFor is not null)
        {
            Quiet(begin, end, asOf, into);
        }
        else if (_condition.EnteredStage is not null)
        {
            if (_stage >= 0 && _entries!.Entered(customer, _stage) is var t && t <= asOf)
            {
                into.Add(new Firing(t, "entered", t, 1, -1));
            }
        }
        else if (_condition.StuckInStage is not null)
        {
            Stuck(customer, asOf, into);
        }
        else if (_condition.MissedMoment is not null)
        {
            if (_moment is { } m && m.Deadline[customer] <= asOf && m.Hit[customer] == StageEntryTable.Never)
            {
                into.Add(new Firing(m.Deadline[customer], "missed", m.Deadline[customer], 1, -1));
            }
        }
        else if (_condition.Metric is not null)
        {
            Metric(customer, begin, end, asOf, into);
        }
        else if (_condition.TraitChanged is { } trait)
        {
            TraitChanges(trait, begin, end, asOf, into);
        }
    }

    private void Events(int begin, int end, long asOf, List<Firing> into)
    {
        var previous = long.MinValue;
        var ordinal = 0;
        for (var i = begin; i < end && _log.Timestamps[i] <= asOf; i++)
        {
            if (!_matcher!.Matches(i))
            {
                continue;
            }

            var t = _log.Timestamps[i];
            ordinal = t == previous ? ordinal + 1 : 1;
            previous = t;
            into.Add(new Firing(t, "event", t, ordinal, i));
        }
    }

    /// <summary>
    /// A quiet spell starts at each matching event (and at the customer's first event of any kind, for customers
    /// who had not sent the event yet); it fires at start + D when no matching event follows within D (the next one,
    /// if any, comes strictly later than start + D).
    /// </summary>
    private void Quiet(int begin, int end, long asOf, List<Firing> into)
    {
        var start = _log.Timestamps[begin];
        for (var i = begin; i < end && _log.Timestamps[i] <= asOf; i++)
        {
            if (!_matcher!.Matches(i))
            {
                continue;
            }

            var t = _log.Timestamps[i];
            if (t > start + _for)
            {
                into.Add(new Firing(start + _for, "quiet", start, 1, -1));
            }

            start = t;
        }

        if (start + _for <= asOf)
        {
            into.Add(new Firing(start + _for, "quiet", start, 1, -1));
        }
    }

    /// <summary>Entered the stage and had not reached the next measured stage by entry + D; the last stage has no next one.</summary>
    private void Stuck(int customer, long asOf, List<Firing> into)
    {
        if (_stage < 0 || _stage + 1 >= _entries!.Stages.Count)
        {
            return;
        }

        var entered = _entries.Entered(customer, _stage);
        if (entered == StageEntryTable.Never || entered + _for > asOf)
        {
            return;
        }

        if (_entries.Entered(customer, _stage + 1) > entered + _for)
        {
            into.Add(new Firing(entered + _for, "stuck", entered, 1, -1));
        }
    }

    /// <summary>
    /// Metrics are measured once a day at 00:00 UTC from the customer's first event on; the condition fires on a
    /// crossing: at a measurement where the filter holds after one where it did not (or at the first measurement).
    /// </summary>
    private void Metric(int customer, int begin, int end, long asOf, List<Firing> into)
    {
        var first = _log.Timestamps[begin];
        var sample = (first / Day) * Day;
        if (sample < first)
        {
            sample += Day;
        }

        var held = false;
        var last = begin;
        for (; sample <= asOf; sample += Day)
        {
            while (last + 1 < end && _log.Timestamps[last + 1] <= sample)
            {
                last++;
            }

            var at = sample;
            var lastSeen = _log.Timestamps[last];
            var holds = _condition.Metric!.Matches(p => MetricValue(p, customer, at, first, lastSeen));
            if (holds && !held)
            {
                into.Add(new Firing(sample, "metric", sample, 1, -1));
            }

            held = holds;
        }
    }

    private object? MetricValue(string property, int customer, long at, long first, long lastSeen)
    {
        switch (property)
        {
            case HealthProperty when _health is not null:
                if (_healthPopulation is not null && (_healthPopulation.First(customer) is var entry && (entry < 0 || _log.Timestamps[entry] > at)))
                {
                    return null;
                }

                return _health.Score(customer, at, null, null)?.Score;
            case DaysSinceStartProperty:
                return (double)((at - first) / Day);
            case DaysInactiveProperty:
                return (double)((at - lastSeen) / Day);
            default:
                return _log.Trait(customer, property);
        }
    }

    /// <summary>
    /// The store keeps only each customer's latest traits, so a trait's history is read from events that carry a
    /// property of the same name; a change is a value different from the previous one seen (the first is no change).
    /// </summary>
    private void TraitChanges(string trait, int begin, int end, long asOf, List<Firing> into)
    {
        string? previous = null;
        var seen = false;
        var lastAt = long.MinValue;
        var ordinal = 0;
        for (var i = begin; i < end && _log.Timestamps[i] <= asOf; i++)
        {
            if (_log.PropertiesOf(i) is not { } props || !props.TryGetValue(trait, out var value))
            {
                continue;
            }

            var text = Convert.ToString(value, CultureInfo.InvariantCulture);
            if (seen && !string.Equals(text, previous, StringComparison.Ordinal))
            {
                var t = _log.Timestamps[i];
                ordinal = t == lastAt ? ordinal + 1 : 1;
                lastAt = t;
                into.Add(new Firing(t, "trait", t, ordinal, i));
            }

            previous = text;
            seen = true;
        }
    }
}
