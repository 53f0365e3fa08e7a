using System.Globalization;
using Microsoft.AspNetCore.Http;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Events;
using EventCondition = Trailmap.Journeys.Model.EventCondition;
using Metric = Trailmap.Journeys.Model.Metric;
using MetricType = Trailmap.Journeys.Model.MetricType;

namespace Trailmap.Web.Insights;

/// <summary>
/// The retention page's choices from its query string: <c>period</c> (day, week, month; default week),
/// <c>return</c> (an event name; empty for any event), <c>periods</c> (1-52) and <c>bucket</c> (on, on-or-after);
/// or <c>kpi</c>, a retention KPI's id, whose own start event, return event and period replace the others.
/// Every bad value is reported by field with what is allowed, never silently replaced by a default.
/// </summary>
public sealed record RetentionQuery
{
    public const int MaxPeriods = 52;

    public RetentionPeriod Period { get; init; } = RetentionPeriod.Week;
    public string? ReturnEvent { get; init; }
    public int Periods { get; init; } = 8;
    public RetentionBucket Bucket { get; init; } = RetentionBucket.On;

    /// <summary>The retention KPI whose definition the view shows, as asked for by <c>kpi</c>.</summary>
    public string? Kpi { get; init; }

    /// <summary>The return event with its property filter, when a KPI's definition sets it.</summary>
    public EventCondition? ReturnCondition { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>The raw values as typed, so the form shows them back next to their errors.</summary>
    public IReadOnlyDictionary<string, string> Raw { get; init; } = new Dictionary<string, string>();

    public static int DefaultPeriods(RetentionPeriod period) => period switch
    {
        RetentionPeriod.Day => 14,
        RetentionPeriod.Week => 8,
        _ => 6,
    };

    public static RetentionQuery Parse(IQueryCollection query, EventLog log)
    {
        var errors = new List<string>();
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Get(string key)
        {
            var value = query[key].FirstOrDefault()?.Trim();
            if (value is not null)
            {
                raw[key] = value;
            }

            return string.IsNullOrEmpty(value) ? null : value;
        }

        var period = RetentionPeriod.Week;
        if (Get("period") is { } p)
        {
            switch (p.ToLowerInvariant())
            {
                case "day": period = RetentionPeriod.Day; break;
                case "week": period = RetentionPeriod.Week; break;
                case "month": period = RetentionPeriod.Month; break;
                default: errors.Add($"period: \"{p}\" is not a period; use day, week or month."); break;
            }
        }

        var periods = DefaultPeriods(period);
        if (Get("periods") is { } n)
        {
            if (int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= MaxPeriods)
            {
                periods = parsed;
            }
            else
            {
                errors.Add($"periods: \"{n}\" is not a whole number from 1 to {MaxPeriods}; write how many periods after the start to show, e.g. 8.");
            }
        }

        var bucket = RetentionBucket.On;
        if (Get("bucket") is { } b)
        {
            switch (b.ToLowerInvariant())
            {
                case "on": bucket = RetentionBucket.On; break;
                case "on-or-after": bucket = RetentionBucket.OnOrAfter; break;
                default: errors.Add($"bucket: \"{b}\" is not a bucket; use on (returned in that period) or on-or-after (returned then or later)."); break;
            }
        }

        var returnEvent = Get("return");
        if (returnEvent is not null && log.NameId(returnEvent) < 0)
        {
            errors.Add($"return: no event is named \"{returnEvent}\" in this workspace's data; pick one from the list, or any event.");
        }

        return new RetentionQuery { Period = period, Periods = periods, Bucket = bucket, ReturnEvent = returnEvent, Kpi = Get("kpi"), Errors = errors, Raw = raw };
    }

    /// <summary>
    /// The view of a retention KPI's own definition: its return event and period, counted in the period as the KPI
    /// counts (<see cref="RetentionBucket.On"/>), with at least its period number shown. The start event is the KPI's.
    /// </summary>
    public RetentionQuery For(Metric kpi)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        return this with
        {
            Period = kpi.Period switch
            {
                Trailmap.Journeys.Model.RetentionPeriod.Day => RetentionPeriod.Day,
                Trailmap.Journeys.Model.RetentionPeriod.Week => RetentionPeriod.Week,
                _ => RetentionPeriod.Month,
            },
            Periods = Math.Max(Raw.ContainsKey("periods") ? Periods : DefaultPeriodsFor(kpi), kpi.PeriodNumber ?? 0),
            ReturnEvent = kpi.ReturnEvent?.Event,
            ReturnCondition = kpi.ReturnEvent,
            Bucket = RetentionBucket.On,
        };
    }

    /// <summary>Whether <paramref name="metric"/> is a retention KPI the view can draw: start event, period and period number set.</summary>
    public static bool Drawable(Metric metric) =>
        metric.Type == MetricType.Retention && metric.Event is not null && metric.Period is not null && metric.PeriodNumber is not null;

    private static int DefaultPeriodsFor(Metric kpi) => kpi.Period switch
    {
        Trailmap.Journeys.Model.RetentionPeriod.Day => DefaultPeriods(RetentionPeriod.Day),
        Trailmap.Journeys.Model.RetentionPeriod.Week => DefaultPeriods(RetentionPeriod.Week),
        _ => DefaultPeriods(RetentionPeriod.Month),
    };

    /// <summary>The engine's spec: cohorts by the first stage's entry event, rolling periods as the analysis uses.</summary>
    public RetentionSpec Spec(EventCondition start) => new()
    {
        StartEvent = new FunnelStep(start.Event, start.Where),
        ReturnEvent = ReturnCondition is { } rc ? new FunnelStep(rc.Event, rc.Where) : ReturnEvent is { } r ? new FunnelStep(r) : null,
        Period = Period,
        Periods = Periods,
        Bucket = Bucket,
    };

    public string PeriodName => Period.ToString().ToLowerInvariant();

    public string BucketName => Bucket == RetentionBucket.On ? "on" : "on-or-after";

    /// <summary>The first day of period <paramref name="k"/> for the earliest customer of a cohort starting on <paramref name="cohort"/>.</summary>
    public DateOnly PeriodStart(DateOnly cohort, int k) => Period switch
    {
        RetentionPeriod.Day => SaturatingCalendar.AddDays(cohort, k),
        RetentionPeriod.Week => SaturatingCalendar.AddDays(cohort, 7L * k),
        _ => SaturatingCalendar.AddMonths(cohort, k),
    };
}
