using System.Globalization;
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
    /// <summary>Measured lift of interventions and sequences (treated against held out); drawn beside their stage.</summary>
    public IReadOnlyList<InterventionActual> Interventions { get; init; } = [];

    public StageActual? ForStage(string id) => Stages.FirstOrDefault(s => s.Id == id);

    public KpiActual? ForKpi(string id) => Kpis.FirstOrDefault(k => k.Id == id);

    public MomentActual? ForMoment(string id) => MomentsOfTruth.FirstOrDefault(m => m.Id == id);

    public InterventionActual? ForIntervention(string id) => Interventions.FirstOrDefault(i => i.Id == id);

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

/// <summary>
/// The measured effect of one intervention or sequence: goal conversion of treated customers against held-out ones
/// within the window after their first trigger, and the difference with its 95% interval (docs/automation.md#lift).
/// </summary>
public sealed record InterventionActual
{
    /// <summary>The intervention's or sequence's id.</summary>
    public required string Id { get; init; }
    /// <summary>The goal (or exit) event counted as a conversion, as written in the journey.</summary>
    public string? Goal { get; init; }
    /// <summary>How long after the trigger a goal event counts.</summary>
    public double? WindowSeconds { get; init; }
    public long Treated { get; init; }
    public long TreatedConverted { get; init; }
    public long HeldOut { get; init; }
    public long HeldOutConverted { get; init; }
    /// <summary>Triggered customers whose window has not closed yet; counted in neither group.</summary>
    public long Pending { get; init; }
    /// <summary>Treated rate minus held-out rate (a fraction); null while either group is empty.</summary>
    public double? Lift { get; init; }
    public double? LiftLow { get; init; }
    public double? LiftHigh { get; init; }

    /// <summary>
    /// One line for people: "lift +12.3 pts (95% CI -1.0 to +25.6), treated 120 (30%) vs holdout 14 (18%), 5 pending".
    /// Rates are of each group; points are percentage points. An empty group is said in words, never left blank.
    /// </summary>
    public string Summary()
    {
        var parts = new List<string>();
        if (Lift is { } lift && LiftLow is { } low && LiftHigh is { } high)
        {
            parts.Add($"lift {Points(lift)} pts (95% CI {Points(low)} to {Points(high)})");
            parts.Add($"treated {Group(Treated, TreatedConverted)} vs holdout {Group(HeldOut, HeldOutConverted)}");
        }
        else if (Treated == 0 && HeldOut == 0)
        {
            parts.Add("no measured customers yet");
        }
        else
        {
            parts.Add(HeldOut == 0 ? "no held-out customers yet" : "no treated customers yet");
            parts.Add(HeldOut == 0 ? $"treated {Group(Treated, TreatedConverted)}" : $"holdout {Group(HeldOut, HeldOutConverted)}");
        }

        if (Pending > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Pending:N0} pending"));
        }

        return string.Join(", ", parts);
    }

    /// <summary>
    /// Whether the lift is significant, in plain words: the 95% interval lies wholly above zero (it helps), wholly
    /// below (it hurts), or includes zero (the data cannot tell it from no effect); null while there is no interval.
    /// </summary>
    public string? Verdict() => (LiftLow, LiftHigh) switch
    {
        ({ } low, _) when low > 0 => "Significant: customers reach the goal more often with it (the 95% interval lies above zero).",
        (_, { } high) when high < 0 => "Significant, and harmful: customers reach the goal less often with it (the 95% interval lies below zero).",
        ({ }, { }) => "Not significant yet: the 95% interval includes zero, so this could be no effect at all. More customers narrow it.",
        _ => null,
    };

    private static string Points(double share) =>
        (share * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    private static string Group(long customers, long converted) =>
        string.Create(CultureInfo.InvariantCulture, $"{customers:N0} ({(double)converted / customers * 100:0.#}%)");
}
