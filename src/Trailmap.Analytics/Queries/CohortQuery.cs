using System.Globalization;
using Trailmap.Analytics.Cohorts;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Queries;

/// <summary>A journey's cohorts with their sizes (<c>trailmap cohorts</c>, <c>GET /api/cohorts</c>), and their documented JSON.</summary>
public static class CohortQuery
{
    public const int DefaultWeeks = 12;

    /// <summary>Checks the number of weeks asked for; throws <see cref="QueryParameterException"/> naming <paramref name="parameter"/>.</summary>
    public static int Weeks(int weeks, string parameter = "weeks") =>
        weeks is >= 1 and <= CohortAnalysis.MaxWeeks ? weeks
            : throw new QueryParameterException(parameter, $"takes 1 to {CohortAnalysis.MaxWeeks} weeks; {weeks} is out of range");

    /// <summary>The event properties every cohort of the journey reads.</summary>
    public static IReadOnlyList<string> PropertiesUsed(IEnumerable<Cohort> cohorts) =>
        [.. cohorts.SelectMany(CohortAnalysis.PropertiesUsed).Distinct(StringComparer.Ordinal)];

    /// <summary>The traits every cohort of the journey reads.</summary>
    public static IReadOnlyList<string> TraitsUsed(IEnumerable<Cohort> cohorts) =>
        [.. cohorts.SelectMany(CohortAnalysis.TraitsUsed).Distinct(StringComparer.Ordinal)];

    /// <summary>Each cohort with its members now (by every event of <paramref name="log"/>) and at the end of each of the last <paramref name="weeks"/> weeks.</summary>
    public static IReadOnlyList<CohortJson> List(EventLog log, IEnumerable<Cohort> cohorts, int weeks)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(cohorts);
        return [.. cohorts.Select(c => new CohortJson(
            c.Id,
            c.Title,
            c.IsList ? "list" : "rules",
            Definition(c),
            CohortAnalysis.Members(log, c).Count,
            [.. CohortAnalysis.Weekly(log, c, weeks).Select(w => new CohortWeekJson(w.WeekOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), w.Size))]))];
    }

    /// <summary>The cohort's rules in words, e.g. <c>did invite_sent at least 2 times within 7d of signed_up; did not churned</c>.</summary>
    public static string Definition(Cohort cohort)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        if (cohort.Ids is { } ids)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a saved list of {ids.Count:N0} ids");
        }

        return string.Join("; ", cohort.Did.Select(r => $"did {r}")
            .Concat(cohort.DidNot.Select(r => $"did not {r}"))
            .Concat(cohort.Traits is { } t ? [$"traits {t}"] : []));
    }
}

/// <summary>One cohort as <c>trailmap cohorts --format json</c> and <c>GET /api/cohorts</c> write it.</summary>
public sealed record CohortJson(string Id, string Name, string Kind, string Definition, long Size, IReadOnlyList<CohortWeekJson> Weekly);

/// <summary>The cohort's size at the end of the week starting <see cref="WeekOf"/> (a Monday, UTC).</summary>
public sealed record CohortWeekJson(string WeekOf, long Size);
