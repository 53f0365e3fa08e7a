using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>Everything <c>trailmap analyze</c> measures for one journey; <see cref="ToActuals"/> feeds the map.</summary>
public sealed record JourneyAnalysis
{
    public required string Journey { get; init; }
    public required string Title { get; init; }
    public long Customers { get; init; }
    public long Events { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public IReadOnlyList<StageAnalysis> Stages { get; init; } = [];
    public IReadOnlyList<KpiAnalysis> Kpis { get; init; } = [];
    public IReadOnlyList<MomentAnalysis> MomentsOfTruth { get; init; } = [];
    public IReadOnlyList<TimeToValue> TimeToValue { get; init; } = [];
    public HealthAnalysis? Health { get; init; }
    public IReadOnlyList<PersonaAnalysis> Personas { get; init; } = [];
    public Bottleneck? Bottleneck { get; init; }
    public IReadOnlyList<IdealGap> IdealGaps { get; init; } = [];

    /// <summary>The measured numbers in the shape the renderers draw on the map.</summary>
    public JourneyActuals ToActuals(DateTimeOffset generatedAt) => new()
    {
        Journey = Journey,
        GeneratedAt = generatedAt,
        From = From,
        To = To,
        Customers = Customers,
        Stages = [.. Stages.Where(s => s.Measurable).Select(s => new StageActual
        {
            Id = s.Id,
            Reached = s.Reached,
            Conversion = s.ConversionFromPrevious,
            DropOff = s.DropOff,
            MedianTimeToStageSeconds = s.MedianTimeToStageSeconds,
            Emotion = s.MeasuredEmotion,
            Nps = s.Nps,
            Csat = s.Csat,
            Responses = s.Responses > 0 ? s.Responses : null,
        })],
        Kpis = [.. Kpis.Select(k => new KpiActual { Id = k.Id, Actual = k.Actual, Status = k.Status })],
        MomentsOfTruth = [.. MomentsOfTruth.Select(m => new MomentActual { Id = m.Id, HitRate = m.HitRate, Customers = m.Eligible })],
        Bottleneck = Bottleneck?.ToStage,
    };
}

/// <summary>One stage's measured numbers. Stages without an entry criterion cannot be reached and show no data.</summary>
public sealed record StageAnalysis
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public bool Measurable { get; init; }
    public long Reached { get; init; }
    public double? ConversionFromPrevious { get; init; }
    public double? ConversionFromStart { get; init; }
    /// <summary>Share of this stage's customers who did not reach the next stage.</summary>
    public double? DropOff { get; init; }
    public double? MedianTimeToStageSeconds { get; init; }
    public double? P90TimeToStageSeconds { get; init; }
    public double? Nps { get; init; }
    public double? Csat { get; init; }
    public long Responses { get; init; }
    public double? DesignedEmotion { get; init; }
    public double? IdealEmotion { get; init; }
    /// <summary>Emotion measured from CSAT (or NPS) answers in the stage, on the journey's emotion scale.</summary>
    public double? MeasuredEmotion { get; init; }
}

public sealed record KpiAnalysis
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Stage { get; init; }
    public required MetricType Type { get; init; }
    public Target? Target { get; init; }
    public double? Actual { get; init; }
    public TargetStatus Status { get; init; } = TargetStatus.NoData;
    /// <summary>How the actual came about, e.g. "412 of 1,300 customers".</summary>
    public string? Detail { get; init; }
    public Target? IdealTarget { get; init; }
    public TargetStatus? IdealStatus { get; init; }

    public string Display => Actual is { } a ? Target?.FormatValue(a) ?? Trailmap.Journeys.Model.Target.FormatValue(a, UnitOf(Type)) : "no data";

    /// <summary>
    /// The status in words for every table that prints the actual beside it. A KPI measured without a target has
    /// nothing to meet, so it reads "no target"; "no data" would contradict the actual printed next to it.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string StatusWord => Target is null && Actual is not null ? NoTargetWord : Status switch
    {
        TargetStatus.Met => "met",
        TargetStatus.AtRisk => "at risk",
        TargetStatus.Missed => "missed",
        _ => "no data",
    };

    /// <summary>True when the KPI has an actual but no target to compare it with.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool MeasuredWithoutTarget => Target is null && Actual is not null;

    public const string NoTargetWord = "no target";

    internal static TargetUnit UnitOf(MetricType type) => type switch
    {
        MetricType.Conversion or MetricType.Retention or MetricType.Csat or MetricType.Rate or MetricType.Nrr => TargetUnit.Percent,
        MetricType.TimeBetween => TargetUnit.Duration,
        _ => TargetUnit.Number,
    };
}

public sealed record MomentAnalysis
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Deadline { get; init; }
    /// <summary>Customers with the deadline's anchor (the stage or event it counts from).</summary>
    public long Eligible { get; init; }
    public long Hit { get; init; }
    public double? HitRate => Eligible > 0 ? (double)Hit / Eligible : null;
}

/// <summary>Time from the first event of one stage to the first event of another (SEMANTICS: time-to-value).</summary>
public sealed record TimeToValue
{
    public required string Kpi { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    /// <summary>Customers who reached <see cref="From"/>.</summary>
    public long Started { get; init; }
    /// <summary>Customers who then reached <see cref="To"/>.</summary>
    public long Reached { get; init; }
    public double? MedianSeconds { get; init; }
    public double? P90Seconds { get; init; }
    /// <summary>Share of <see cref="Started"/> customers who reached <see cref="To"/> within the KPI's target.</summary>
    public double? ShareWithinTarget { get; init; }
}

public sealed record HealthAnalysis
{
    public DateTimeOffset AsOf { get; init; }
    public long Scored { get; init; }
    public double? Average { get; init; }
    public double? PreviousAverage { get; init; }
    public double? Trend => Average is { } a && PreviousAverage is { } p ? a - p : null;
    public long Red { get; init; }
    public long Yellow { get; init; }
    public long Green { get; init; }
    /// <summary>Customers per ten-point bucket: [0,10), [10,20) ... [90,100].</summary>
    public IReadOnlyList<long> Distribution { get; init; } = [];
    public IReadOnlyDictionary<string, double> ComponentAverages { get; init; } = new Dictionary<string, double>();
    public long AtRiskCount { get; init; }
    /// <summary>The least healthy customers below the at-risk threshold, lowest first (at most 20).</summary>
    public IReadOnlyList<AtRiskCustomer> AtRisk { get; init; } = [];
}

public sealed record AtRiskCustomer(string Customer, double Score, string Band, string WeakestComponent);

public sealed record PersonaAnalysis
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public long Customers { get; init; }
    /// <summary>Customers of this persona who reached each measurable stage, in stage order.</summary>
    public IReadOnlyDictionary<string, long> Reached { get; init; } = new Dictionary<string, long>();
}

/// <summary>Where the measured or designed journey falls short of the ideal (to-be) state.</summary>
public sealed record IdealGap
{
    public required string Stage { get; init; }
    public required string What { get; init; }
    public string? Designed { get; init; }
    public string? Ideal { get; init; }
    public string? Measured { get; init; }
    public TargetStatus? Status { get; init; }
}
