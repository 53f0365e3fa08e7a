using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>
/// The bottleneck of a measured journey: the one definition that <c>trailmap analyze</c>, <c>trailmap suggest</c>,
/// the map, the workspace's map page and its suggestions use (docs/analyze.md, "The bottleneck").
/// <list type="number">
/// <item>A <em>step</em> runs between two consecutive measurable stages. Its <em>targets</em> are the share KPIs that
/// measure it: a <c>conversion</c> KPI from the first stage to the second (a stage's conversion KPI runs from the
/// previous stage into it), and a <c>rate</c> KPI of the first stage (the share of its customers who go on to do
/// something: sign up, create a workspace), as <c>trailmap suggest</c> reads a stage's KPIs too.</item>
/// <item>The bottleneck is the step whose target is missed by the most, relative to the target:
/// (target - actual) / target, over KPIs that do not meet their target (missed or at risk) by falling below it.</item>
/// <item>When no step falls short of a target, it is the step without a target that loses the most customers: a step
/// that meets its targets loses customers as planned (most visitors never sign up, by design), so it is no bottleneck.</item>
/// <item>When every step meets its targets, or no step loses a customer, there is none.</item>
/// </list>
/// </summary>
public sealed record Bottleneck
{
    public required string FromStage { get; init; }
    public required string ToStage { get; init; }

    /// <summary>The step's stage-funnel conversion: the share of the first stage's customers who reach the second.</summary>
    public double? Conversion { get; init; }

    /// <summary>The target the step misses, when it is a bottleneck because of one (null for an untargeted drop-off).</summary>
    public Target? Target { get; init; }

    /// <summary>The id of the KPI whose target the step misses, with <see cref="Target"/>.</summary>
    public string? Kpi { get; init; }

    /// <summary>The KPI's measured actual, with <see cref="Target"/>.</summary>
    public double? Actual { get; init; }

    /// <summary>How far below its target the KPI falls, relative to the target: (target - actual) / target; 0 for an untargeted drop-off.</summary>
    public double Shortfall { get; init; }

    /// <summary>Customers who reached the first stage and not the second.</summary>
    public long Lost { get; init; }

    public required string Reason { get; init; }
    public IReadOnlyList<PainPoint> PainPoints { get; init; } = [];
    public IReadOnlyList<Opportunity> Opportunities { get; init; } = [];

    /// <summary>The bottleneck of the measured <paramref name="stages"/> with their <paramref name="kpis"/>, or null (see the type's definition).</summary>
    public static Bottleneck? Find(Journey journey, IReadOnlyList<StageAnalysis> stages, IReadOnlyList<KpiAnalysis> kpis)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(kpis);
        var measured = stages.Where(s => s.Measurable).ToList();
        (StageAnalysis From, StageAnalysis To, KpiAnalysis Kpi, double Shortfall)? worst = null;
        (StageAnalysis From, StageAnalysis To)? widest = null;
        for (var k = 1; k < measured.Count; k++)
        {
            var (from, to) = (measured[k - 1], measured[k]);
            var targets = kpis.Where(a => a.Target is not null && journey.AllMetrics().FirstOrDefault(m => m.Id == a.Id) is { } m && Measures(journey, m, from.Id, to.Id)).ToList();
            foreach (var kpi in targets)
            {
                if (Below(kpi) is { } shortfall && (worst is null || shortfall > worst.Value.Shortfall))
                {
                    worst = (from, to, kpi, shortfall);
                }
            }

            if (targets.Count == 0 && from.Reached - to.Reached > 0 && (widest is null || from.Reached - to.Reached > widest.Value.From.Reached - widest.Value.To.Reached))
            {
                widest = (from, to);
            }
        }

        if (worst is { } w)
        {
            var (target, actual) = (w.Kpi.Target!, w.Kpi.Actual!.Value);
            return Of(journey, w.From, w.To) with
            {
                Target = target,
                Kpi = w.Kpi.Id,
                Actual = actual,
                Shortfall = w.Shortfall,
                Reason = $"{w.Kpi.Name} ({w.Kpi.Id}) {target.FormatValue(actual)} is furthest below its target {target.Text}",
            };
        }

        if (widest is { } d)
        {
            return Of(journey, d.From, d.To) with
            {
                Reason = $"the largest drop-off of the steps without a target: {d.From.Reached - d.To.Reached:N0} customers do not go on",
            };
        }

        return null;
    }

    /// <summary>Whether a KPI measures the step from one stage to the next (see the type's definition).</summary>
    public static bool Measures(Journey journey, Metric metric, string fromStage, string toStage)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(metric);
        if (metric.Type == MetricType.Conversion)
        {
            return metric.From == fromStage && metric.To == toStage;
        }

        return metric.Type == MetricType.Rate && metric.Of == fromStage && journey.FindStage(toStage) is not null;
    }

    /// <summary>How far below its target a KPI falls, relative to the target; null when it meets it, has no data, or misses by being above it.</summary>
    private static double? Below(KpiAnalysis kpi)
    {
        if (kpi.Status is not (TargetStatus.Missed or TargetStatus.AtRisk) || kpi.Actual is not { } actual || kpi.Target is not { } target
            || target.Comparison is TargetComparison.AtMost or TargetComparison.LessThan || actual >= target.Value || target.Value <= 0)
        {
            return null;
        }

        return (target.Value - actual) / target.Value;
    }

    private static Bottleneck Of(Journey journey, StageAnalysis from, StageAnalysis to)
    {
        var stage = journey.FindStage(to.Id)!;
        return new Bottleneck
        {
            FromStage = from.Id,
            ToStage = to.Id,
            Conversion = to.ConversionFromPrevious,
            Lost = from.Reached - to.Reached,
            Reason = "",
            PainPoints = stage.PainPoints,
            Opportunities = stage.Opportunities,
        };
    }
}
