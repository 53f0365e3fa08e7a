using Microsoft.AspNetCore.Http;
using Trailmap.Analytics.Cohorts;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys.Model;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Insights;

/// <summary>
/// The journey's stage funnel on its own page, with what the map has no room for: a breakdown with its significance
/// test, conversion over time, the time-to-convert histogram and the correlation analysis. The funnel is the
/// analysis's own (same stages, window and step windows), so its step counts are the map's.
/// </summary>
public sealed record FunnelView
{
    /// <summary>The longest text a query parameter of the page may hold.</summary>
    public const int MaxParameterLength = 200;

    /// <summary>How many correlation rows the page lists (most significant first); the API has all.</summary>
    public const int CorrelationShown = 50;

    public string? By { get; init; }

    /// <summary>The cohort the funnel is cut down to (<c>cohort=ID</c>), when asked for.</summary>
    public string? Cohort { get; init; }
    public FunnelPeriod? OverTime { get; init; }
    public bool Correlation { get; init; }
    public IReadOnlyList<string> CorrelationTraits { get; init; } = [];
    public IReadOnlyList<string> Errors { get; init; } = [];

    public FunnelSpec? Spec { get; init; }
    public FunnelResult? Result { get; init; }
    public IReadOnlyList<BreakdownSignificance>? Significance { get; init; }
    public IReadOnlyList<ConversionPeriod>? OverTimeRows { get; init; }
    public IReadOnlyList<TimeToConvertBin>? Histogram { get; init; }
    public IReadOnlyList<FunnelCorrelation>? Correlations { get; init; }

    /// <summary>The breakdown property the query names, to load with the events; null without a (valid) one.</summary>
    public static string? ByParameter(IQueryCollection query) =>
        query["by"].FirstOrDefault()?.Trim() is { Length: > 0 and <= MaxParameterLength } by && !by.StartsWith(CohortPrefix, StringComparison.Ordinal) ? by : null;

    /// <summary>The prefix of <c>by</c> that breaks the funnel down by a cohort of the journey (members and the rest).</summary>
    public const string CohortPrefix = "cohort:";

    /// <summary>
    /// Reads the page's query (by, over-time, correlation, correlation-trait) and computes what it asks for over
    /// <paramref name="log"/>: the journey's events with the property <c>by</c> names, so a breakdown can read it.
    /// </summary>
    public static FunnelView Build(MeasuredJourney measured, EventLog log, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(query);
        var errors = new List<string>();
        string? Text(string key)
        {
            var value = query[key].FirstOrDefault()?.Trim();
            if (value is { Length: > MaxParameterLength })
            {
                errors.Add($"{key}: at most {MaxParameterLength} characters.");
                return null;
            }

            return string.IsNullOrEmpty(value) ? null : value;
        }

        var by = Text("by");
        FunnelPeriod? period = Text("over-time") switch
        {
            null => null,
            "day" => FunnelPeriod.Day,
            "week" => FunnelPeriod.Week,
            var other => Bad($"over-time: \"{other}\" is not a period; use day or week."),
        };
        var correlation = Text("correlation") switch
        {
            null or "false" or "off" => false,
            "true" or "on" => true,
            var other => BadFlag($"correlation: \"{other}\" is neither on nor off."),
        };
        var traits = (Text("correlation-trait") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();

        FunnelPeriod? Bad(string message)
        {
            errors.Add(message);
            return null;
        }

        bool BadFlag(string message)
        {
            errors.Add(message);
            return false;
        }

        // Cohorts are judged on the measurement's log: every event, with the properties and traits the journey's cohorts read.
        var cohortId = Text("cohort");
        Cohort? cohort = null;
        if (cohortId is not null && (cohort = measured.Journey.FindCohort(cohortId)) is null)
        {
            errors.Add(UnknownCohort("cohort", cohortId, measured.Journey));
        }

        Cohort? split = null;
        if (by is not null && by.StartsWith(CohortPrefix, StringComparison.Ordinal)
            && (split = measured.Journey.FindCohort(by[CohortPrefix.Length..].Trim())) is null)
        {
            errors.Add(UnknownCohort("by", by[CohortPrefix.Length..].Trim(), measured.Journey));
        }

        var view = new FunnelView { By = by, Cohort = cohortId, OverTime = period, Correlation = correlation || traits.Count > 0, CorrelationTraits = traits };
        var (stageSpec, _) = JourneyAnalyzer.StageFunnelSpec(measured.Journey);
        if (errors.Count > 0 || stageSpec is null)
        {
            return view with { Errors = errors };
        }

        if (cohort is not null)
        {
            log = CohortAnalysis.Keep(log, CohortAnalysis.Members(measured.Log, cohort));
        }

        var spec = stageSpec with { BreakdownProperty = by, OverTime = period };
        var result = split is null
            ? FunnelEngine.Run(log, spec)
            : CohortAnalysis.BreakDown(log, spec, split.Id, CohortAnalysis.Members(measured.Log, split));
        return view with
        {
            Spec = spec,
            Result = result,
            Significance = FunnelSignificance.Of(result),
            OverTimeRows = period is { } p ? FunnelTrends.ConversionOverTime(result, p) : null,
            Histogram = FunnelTrends.TimeToConvertHistogram(result),
            Correlations = view.Correlation ? FunnelCorrelations.Of(log, spec, result, traits) : null,
        };
    }

    private static string UnknownCohort(string parameter, string id, Journey journey) => journey.Cohorts.Count == 0
        ? $"{parameter}: this journey defines no cohorts; add a cohorts: section to the journey file (see docs/cohorts.md)."
        : $"{parameter}: this journey has no cohort \"{id}\"; it has {string.Join(", ", journey.Cohorts.Select(c => c.Id))}.";
}
