using System.Globalization;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;

namespace Trailmap.Analytics.Queries;

/// <summary>A cohort table asked for in words (<c>trailmap retention</c>, the REST API), and its documented JSON.</summary>
public static class RetentionQuery
{
    public const int MaxPeriods = 366;

    /// <summary>Builds the spec; throws <see cref="QueryParameterException"/> naming the parameter that is wrong.</summary>
    public static RetentionSpec Spec(string? start, string? returnEvent, string? period, int periods, string? bucket, bool calendar)
    {
        if (string.IsNullOrWhiteSpace(start))
        {
            throw new QueryParameterException("start", "give the event that puts a customer in a cohort, e.g. 'Signed Up'");
        }

        if (periods is < 0 or > MaxPeriods)
        {
            throw new QueryParameterException("periods", $"must be between 0 and {MaxPeriods}; {periods} is not");
        }

        var p = (period ?? "week").Trim().ToLowerInvariant() switch
        {
            "day" => RetentionPeriod.Day,
            "week" => RetentionPeriod.Week,
            "month" => RetentionPeriod.Month,
            _ => throw new QueryParameterException("period", $"'{period}' is not day, week or month"),
        };
        var b = (bucket ?? "on").Trim().ToLowerInvariant() switch
        {
            "on" => RetentionBucket.On,
            "on-or-after" => RetentionBucket.OnOrAfter,
            _ => throw new QueryParameterException("bucket", $"'{bucket}' is neither on (returned in period N) nor on-or-after (returned in N or later)"),
        };
        var ret = string.IsNullOrWhiteSpace(returnEvent) || returnEvent.Trim().Equals("any", StringComparison.OrdinalIgnoreCase) ? null : returnEvent.Trim();
        return new RetentionSpec
        {
            StartEvent = new FunnelStep(start.Trim()),
            ReturnEvent = ret is null ? null : new FunnelStep(ret),
            Period = p,
            Periods = periods,
            Bucket = b,
            Calendar = calendar,
        };
    }

    /// <summary>The documented JSON contract: cohorts with cohort (ISO date), size and retained counts for periods 0..N.</summary>
    /// <summary>The event names the retention table reads: the start and return events, or null (every event) when any event counts as a return.</summary>
    public static IReadOnlyList<string>? EventsUsed(RetentionSpec spec) =>
        spec.ReturnEvent is { } r ? [.. new[] { spec.StartEvent.Event, r.Event }.Distinct(StringComparer.Ordinal)] : null;

    /// <summary>
    /// The table of everyone, broken down into a cohort's members and the rest: each part's table as rows under
    /// <c>breakdowns</c>, keyed <c>in ID</c> and <c>not in ID</c>.
    /// </summary>
    public static RetentionJson ByCohort(RetentionTable everyone, string cohortId, RetentionTable members, RetentionTable rest)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(rest);
        var (inside, outside) = Trailmap.Analytics.Cohorts.CohortAnalysis.Values(cohortId);
        return Json(everyone) with
        {
            Breakdown = "cohort:" + cohortId,
            Breakdowns = new Dictionary<string, IReadOnlyList<RetentionCohortJson>>(StringComparer.Ordinal)
            {
                [inside] = Json(members).Cohorts,
                [outside] = Json(rest).Cohorts,
            },
        };
    }

    public static RetentionJson Json(RetentionTable table) => new(
        table.Spec.Period.ToString().ToLowerInvariant(),
        table.Spec.Periods,
        table.Spec.Bucket == RetentionBucket.On ? "on" : "on-or-after",
        table.Spec.Calendar,
        table.Spec.StartEvent.Name,
        table.Spec.ReturnEvent?.Name ?? "any",
        [.. table.Cohorts.Select(c => new RetentionCohortJson(c.Cohort.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Size, c.Retained, c.Percent))]);
}

/// <summary>A cohort table as <c>trailmap retention --format json</c> and <c>GET /api/retention</c> write it.</summary>
public sealed record RetentionJson(string Period, int Periods, string Bucket, bool Calendar, string StartEvent, string ReturnEvent, IReadOnlyList<RetentionCohortJson> Cohorts)
{
    /// <summary>What the table is broken down by (<c>cohort:ID</c>); absent without a breakdown.</summary>
    public string? Breakdown { get; init; }

    /// <summary>The cohort rows of each breakdown value (<c>in ID</c>, <c>not in ID</c>); absent without a breakdown.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RetentionCohortJson>>? Breakdowns { get; init; }
}

public sealed record RetentionCohortJson(string Cohort, long Size, IReadOnlyList<long> Retained, IReadOnlyList<double> Percent);
