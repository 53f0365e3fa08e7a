using System.Text.Json;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Journeys.Actuals;

/// <summary>
/// What measurement found for one journey: the shape <c>trailmap analyze --format actuals</c> writes and
/// <c>trailmap render --actuals</c> reads. Shares are fractions (0.42), durations are seconds.
/// </summary>
public sealed record JourneyActuals
{
    /// <summary>The journey id these numbers belong to; render refuses actuals of another journey.</summary>
    public required string Journey { get; init; }
    public DateTimeOffset? GeneratedAt { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    /// <summary>Customers in the measured population.</summary>
    public long? Customers { get; init; }
    public IReadOnlyList<StageActual> Stages { get; init; } = [];
    public IReadOnlyList<KpiActual> Kpis { get; init; } = [];
    public IReadOnlyList<MomentActual> MomentsOfTruth { get; init; } = [];
    /// <summary>Id of the stage whose entry is the bottleneck transition, if any.</summary>
    public string? Bottleneck { get; init; }

    public StageActual? ForStage(string id) => Stages.FirstOrDefault(s => s.Id == id);

    public KpiActual? ForKpi(string id) => Kpis.FirstOrDefault(k => k.Id == id);

    public MomentActual? ForMoment(string id) => MomentsOfTruth.FirstOrDefault(m => m.Id == id);

    public static JourneyActuals Read(string json) =>
        JsonSerializer.Deserialize<JourneyActuals>(json, TrailmapJson.Options)
        ?? throw new JsonException("the actuals file holds no JSON object");

    public string ToJson() => JsonSerializer.Serialize(this, TrailmapJson.Options);
}

/// <summary>Measured numbers of one stage.</summary>
public sealed record StageActual
{
    public required string Id { get; init; }
    /// <summary>Customers who reached the stage.</summary>
    public long Reached { get; init; }
    /// <summary>Share of the previous stage's customers who reached this one (null for the first stage).</summary>
    public double? Conversion { get; init; }
    /// <summary>Share of this stage's customers who did not reach the next one.</summary>
    public double? DropOff { get; init; }
    public double? MedianTimeToStageSeconds { get; init; }
    /// <summary>Measured emotion on the journey's emotion scale (from CSAT/NPS answers in the stage).</summary>
    public double? Emotion { get; init; }
    public double? Nps { get; init; }
    public double? Csat { get; init; }
    public long? Responses { get; init; }
}

/// <summary>A KPI's measured value, in the unit of its target (fraction, seconds or number).</summary>
public sealed record KpiActual
{
    public required string Id { get; init; }
    public double? Actual { get; init; }
    public TargetStatus Status { get; init; } = TargetStatus.NoData;
}

public sealed record MomentActual
{
    public required string Id { get; init; }
    /// <summary>Share of eligible customers who met the condition within the deadline.</summary>
    public double? HitRate { get; init; }
    public long? Customers { get; init; }
}
