using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Cohorts;

/// <summary>
/// A cohort's members now, kept up to date as events land: after the first judgement only the customers whose events
/// or traits changed are judged again, since a customer's membership (as of their latest event) depends on their own
/// events and traits alone (docs/cohorts.md, "Computed incrementally"). An identity merge folds one customer into
/// another, which a list of changed customers cannot express, so it makes the next refresh judge everyone again.
/// </summary>
public sealed class LiveCohort
{
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);
    private readonly EventLogQuery _query;
    private long? _sequence;
    private DateTimeOffset? _traits;
    private long _identities;
    private bool _judged;

    public LiveCohort(Cohort cohort)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        Cohort = cohort;

        // Every event of every customer (a did_not or traits rule judges customers the rules' events never name),
        // with only the properties and traits the rules read.
        _query = new EventLogQuery
        {
            Properties = CohortAnalysis.PropertiesUsed(cohort),
            TraitNames = CohortAnalysis.TraitsUsed(cohort),
            IncludeSequences = false,
        };
    }

    public Cohort Cohort { get; }

    /// <summary>The ids of the members, as of each one's latest event.</summary>
    public IReadOnlySet<string> Members => _members;

    /// <summary>How many customers have been judged so far: the work done, which a refresh after a small append keeps small.</summary>
    public long CustomersJudged { get; private set; }

    /// <summary>How many times every customer was judged afresh (the first refresh, and one after each identity merge).</summary>
    public int FullJudgements { get; private set; }

    /// <summary>Judges every customer of <paramref name="log"/> afresh, forgetting earlier members.</summary>
    public void Rebuild(EventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        _members.Clear();
        Judge(log);
        FullJudgements++;
    }

    /// <summary>
    /// Judges again the customers of <paramref name="changed"/>, which must hold the whole history and the traits of
    /// each customer whose events or traits changed (as <see cref="EventLogQuery.ChangedAfterSequence"/> loads them);
    /// everyone else keeps their membership.
    /// </summary>
    public void Update(EventLog changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        Judge(changed);
    }

    /// <summary>
    /// Brings the members up to date with <paramref name="store"/>: the first time, and after an identity merge, by
    /// judging every customer; otherwise by judging only those with events stored, or traits updated, since the last
    /// refresh. The positions are read before the events, so what lands meanwhile is judged (again) next time.
    /// </summary>
    public void Refresh(EventStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var sequence = store.MaxSequence();
        var traits = store.TraitsWatermark();
        var identities = store.IdentityVersion();
        if (!_judged || identities != _identities)
        {
            Rebuild(store.LoadEventLog(_query));
        }
        else if (sequence != _sequence || traits != _traits)
        {
            Update(store.LoadEventLog(_query with
            {
                ChangedAfterSequence = _sequence ?? long.MinValue,
                ChangedTraitsSince = _traits ?? DateTimeOffset.UnixEpoch,
            }));
        }

        (_sequence, _traits, _identities, _judged) = (sequence, traits, identities, true);
    }

    private void Judge(EventLog log)
    {
        var members = new CohortMembership(log, Cohort).Members();
        for (var c = 0; c < members.Length; c++)
        {
            if (members[c])
            {
                _members.Add(log.Customers[c]);
            }
            else
            {
                _members.Remove(log.Customers[c]);
            }
        }

        CustomersJudged += members.Length;
    }
}
