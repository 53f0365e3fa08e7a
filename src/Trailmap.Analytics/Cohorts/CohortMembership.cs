using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Cohorts;

/// <summary>
/// Who belongs to a cohort, over one event log, as of a moment: a saved list by id; otherwise every rule holds (docs/cohorts.md).
/// A rule's window opens at the customer's first <c>of</c> event and closes <c>within</c> after it, both ends
/// inclusive; a customer who never did the <c>of</c> event (by the moment asked about) meets neither a did nor a
/// did_not rule that names it. Traits are the customer's current traits.
/// </summary>
public sealed class CohortMembership
{
    private readonly EventLog _log;
    private readonly Cohort _cohort;
    private readonly HashSet<string>? _ids;
    private readonly (CohortEventRule Rule, EventMatcher Event, EventMatcher? Of, bool Negative)[] _rules;

    public CohortMembership(EventLog log, Cohort cohort)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(cohort);
        _log = log;
        _cohort = cohort;
        _ids = cohort.Ids is { } ids ? new HashSet<string>(ids, StringComparer.Ordinal) : null;
        _rules =
        [
            .. cohort.Did.Select(r => (r, new EventMatcher(log, r.Event), r.Of is { } o ? new EventMatcher(log, o) : null, false)),
            .. cohort.DidNot.Select(r => (r, new EventMatcher(log, r.Event), r.Of is { } o ? new EventMatcher(log, o) : null, true)),
        ];
    }

    public Cohort Cohort => _cohort;

    /// <summary>Whether customer <paramref name="customer"/> (an index into the log) is a member, counting only events at or before <paramref name="asOfMicros"/>.</summary>
    public bool IsMember(int customer, long asOfMicros = long.MaxValue)
    {
        if (_ids is not null)
        {
            return _ids.Contains(_log.Customers[customer]);
        }

        if (_cohort.Traits is { } traits && !traits.Matches(t => _log.Trait(customer, t)))
        {
            return false;
        }

        foreach (var (rule, matcher, of, negative) in _rules)
        {
            if (!Holds(customer, asOfMicros, rule, matcher, of, negative))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every customer's membership, by index into the log.</summary>
    public bool[] Members(long asOfMicros = long.MaxValue)
    {
        var members = new bool[_log.CustomerCount];
        Parallel.For(0, members.Length, c => members[c] = IsMember(c, asOfMicros));
        return members;
    }

    /// <summary>The ids of the members.</summary>
    public HashSet<string> MemberIds(long asOfMicros = long.MaxValue)
    {
        var members = Members(asOfMicros);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < members.Length; c++)
        {
            if (members[c])
            {
                ids.Add(_log.Customers[c]);
            }
        }

        return ids;
    }

    private bool Holds(int customer, long asOf, CohortEventRule rule, EventMatcher matcher, EventMatcher? of, bool negative)
    {
        var from = long.MinValue;
        var to = asOf;
        if (of is not null)
        {
            var anchor = of.First(customer);
            if (anchor < 0 || _log.Timestamps[anchor] > asOf)
            {
                return false;
            }

            from = _log.Timestamps[anchor];
            if (rule.Within is { } within)
            {
                to = Math.Min(to, from + (long)(within.Span.Ticks / TimeSpan.TicksPerMicrosecond));
            }
        }

        var count = 0L;
        if (matcher.Exists)
        {
            for (var i = _log.Offsets[customer]; i < _log.Offsets[customer + 1]; i++)
            {
                var ts = _log.Timestamps[i];
                if (ts > to)
                {
                    break; // the log is in time order within a customer
                }

                if (ts >= from && matcher.Matches(i))
                {
                    count++;
                }
            }
        }

        return negative ? count == 0 : count >= rule.AtLeast && (rule.AtMost is not { } most || count <= most);
    }
}
