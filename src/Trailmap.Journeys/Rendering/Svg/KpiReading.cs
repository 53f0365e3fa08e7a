using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Rendering;

/// <summary>A KPI as a map shows it: its target, and with actuals the measured value and whether it meets the target.</summary>
internal sealed record KpiReading(Metric Kpi, double? Actual, TargetStatus? Status)
{
    public static KpiReading For(Metric kpi, JourneyActuals? actuals)
    {
        if (actuals is null)
        {
            return new KpiReading(kpi, null, null);
        }

        var measured = actuals.ForKpi(kpi.Id);
        var actual = measured?.Actual;
        // The colour must agree with the target printed beside it, so the journey's target decides; the
        // status stored in the actuals file only counts when the KPI has no target to compare with.
        var status = kpi.Target is { } target ? target.Evaluate(actual) : measured?.Status ?? TargetStatus.NoData;
        return new KpiReading(kpi, actual, status);
    }

    /// <summary>"61% / >= 65%" with actuals, the bare target without them.</summary>
    public string Value
    {
        get
        {
            var target = Kpi.Target?.Text;
            if (Status is null)
            {
                return target ?? "no target";
            }

            var actual = Actual is { } a ? (Kpi.Target?.FormatValue(a) ?? Target.FormatValue(a, TargetUnit.Number)) : "n/a";
            return target is null ? actual : $"{actual} / {target}";
        }
    }

    /// <summary>CSS class of the badge: the status, or "target" when nothing was measured.</summary>
    public string CssClass => StatusClass(Status);

    /// <summary>The status in words, so colour is never the only signal.</summary>
    public string? StatusWord => Status switch
    {
        TargetStatus.Met => "met",
        TargetStatus.AtRisk => "at risk",
        TargetStatus.Missed => "missed",
        TargetStatus.NoData => "no data",
        _ => null,
    };

    public static string StatusClass(TargetStatus? status) => status switch
    {
        TargetStatus.Met => "met",
        TargetStatus.AtRisk => "at-risk",
        TargetStatus.Missed => "missed",
        TargetStatus.NoData => "no-data",
        _ => "target",
    };
}
