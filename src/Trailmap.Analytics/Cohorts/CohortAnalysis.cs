using Trailmap.Analytics.Funnels;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Cohorts;

/// <summary>A cohort's size at the end of one week (UTC, weeks from Monday).</summary>
public sealed record CohortWeek(DateOnly WeekOf, long Size);

/// <summary>
/// Cohorts put to work over event logs: what a cohort's membership needs loaded, a log cut down to its members, a
/// funnel broken down by membership, and its size week by week.
/// </summary>
public static class CohortAnalysis
{
    /// <summary>The most weeks a size history covers.</summary>
    public const int MaxWeeks = 520;

    private const long Week = 7 * 86_400_000_000L;

    /// <summary>The event properties a cohort's rules filter on.</summary>
    public static IReadOnlyList<string> PropertiesUsed(Cohort cohort) =>
        [.. cohort.Did.Concat(cohort.DidNot).SelectMany(r => new[] { r.Event.Where, r.Of?.Where })
            .Where(w => w is not null).SelectMany(w => w!.Properties()).Distinct(StringComparer.Ordinal)];

    /// <summary>The customer traits a cohort's rules read.</summary>
    public static IReadOnlyList<string> TraitsUsed(Cohort cohort) =>
        cohort.Traits is { } t ? [.. t.Properties().Distinct(StringComparer.Ordinal)] : [];

    /// <summary>
    /// The ids of the members of <paramref name="cohort"/> in <paramref name="log"/> (which must hold every event of the
    /// customers, or at least those the cohort names plus one event of every customer), as of <paramref name="asOf"/>.
    /// </summary>
    public static HashSet<string> Members(EventLog log, Cohort cohort, DateTimeOffset? asOf = null) =>
        new CohortMembership(log, cohort).MemberIds(asOf is { } t ? EventLogBuilder.ToMicros(t) : long.MaxValue);

    /// <summary>The log of only the customers in <paramref name="members"/> (or, with <paramref name="keep"/> false, of only those not in it).</summary>
    public static EventLog Keep(EventLog log, IReadOnlySet<string> members, bool keep = true)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(members);
        var chosen = new List<int>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            if (members.Contains(log.Customers[c]) == keep)
            {
                chosen.Add(c);
            }
        }

        return chosen.Count == log.CustomerCount ? log : log.Subset(chosen);
    }

    /// <summary>The breakdown values of a cohort breakdown.</summary>
    public static (string In, string Out) Values(string cohortId) => ($"in {cohortId}", $"not in {cohortId}");

    /// <summary>
    /// The funnel over every customer, broken down into the cohort's members and the rest (values
    /// <see cref="Values"/>; a value with no entrant is left out, as a property breakdown leaves it out). Each
    /// customer's numbers are their own, so each group's are the funnel run over that group alone.
    /// </summary>
    public static FunnelResult BreakDown(EventLog log, FunnelSpec spec, string cohortId, IReadOnlySet<string> members)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var plain = spec with { BreakdownProperty = null };
        var all = FunnelEngine.Run(log, plain);
        var (inName, outName) = Values(cohortId);
        var breakdowns = new SortedDictionary<string, IReadOnlyList<FunnelStepResult>>(StringComparer.Ordinal);
        foreach (var (name, keep) in new[] { (inName, true), (outName, false) })
        {
            var steps = FunnelEngine.Run(Keep(log, members, keep), plain).Steps;
            if (steps.Count > 0 && steps[0].Customers > 0)
            {
                breakdowns[name] = steps;
            }
        }

        return all with { Breakdowns = new Dictionary<string, IReadOnlyList<FunnelStepResult>>(breakdowns, StringComparer.Ordinal) };
    }

    /// <summary>
    /// The cohort's size at the end of each of the last <paramref name="weeks"/> weeks of the log (UTC, weeks from
    /// Monday), the last being the week of its latest event: members by the events up to that week's end.
    /// </summary>
    public static IReadOnlyList<CohortWeek> Weekly(EventLog log, Cohort cohort, int weeks)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (weeks is < 1 or > MaxWeeks)
        {
            throw new ArgumentOutOfRangeException(nameof(weeks), $"takes 1 to {MaxWeeks} weeks");
        }

        if (log.EventCount == 0)
        {
            return [];
        }

        var first = long.MaxValue;
        var last = long.MinValue;
        foreach (var ts in log.Timestamps)
        {
            first = Math.Min(first, ts);
            last = Math.Max(last, ts);
        }

        var lastMonday = MondayOf(last);
        var firstMonday = Math.Max(MondayOf(first), lastMonday - ((weeks - 1) * Week));
        var membership = new CohortMembership(log, cohort);
        var result = new List<CohortWeek>();
        for (var monday = firstMonday; monday <= lastMonday; monday += Week)
        {
            var end = monday + Week - 1; // the week's last microsecond
            var size = 0L;
            for (var c = 0; c < log.CustomerCount; c++)
            {
                // A customer exists from their first event on: the week they have none yet, they are no one's member.
                if (log.Timestamps[log.Offsets[c]] <= end && membership.IsMember(c, end))
                {
                    size++;
                }
            }

            result.Add(new CohortWeek(DateOnly.FromDateTime(EventLogBuilder.FromMicros(monday).UtcDateTime), size));
        }

        return result;
    }

    /// <summary>The first microsecond of the UTC Monday on or before <paramref name="micros"/>.</summary>
    private static long MondayOf(long micros)
    {
        var day = Math.DivRem(micros, 86_400_000_000L, out var rem);
        if (rem < 0)
        {
            day--;
        }

        // 1970-01-01 was a Thursday: days since the epoch + 3, mod 7, counts days since Monday.
        var sinceMonday = ((day + 3) % 7 + 7) % 7;
        return (day - sinceMonday) * 86_400_000_000L;
    }
}
