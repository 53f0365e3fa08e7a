using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Rendering;

/// <summary>A KPI as a map shows it: its target, and with actuals the measured value and whether it meets the target.</summary>
internal sealed record KpiReading(Metric Kpi, double? Actual, TargetStatus? Status, bool Measured = false)
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
        // status stored in the actuals file only counts when the KPI has no target to compare with. A KPI
        // measured without a target has nothing to meet: it shows its actual with no status, never "no data".
        var status = kpi.Target is { } target ? target.Evaluate(actual)
            : actual is null ? TargetStatus.NoData
            : measured!.Status is TargetStatus.NoData or TargetStatus.NoTarget ? (TargetStatus?)null : measured.Status;
        return new KpiReading(kpi, actual, status, Measured: true);
    }

    /// <summary>"61% / >= 65%" with actuals, the bare target without them; a baseline and a change follow in brackets.</summary>
    public string Value => Kpi.BaselineNote is { } note ? $"{Reading} ({note})" : Reading;

    private string Reading
    {
        get
        {
            var target = Kpi.Target?.Text;
            if (!Measured)
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
