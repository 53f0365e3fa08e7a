namespace Trailmap.Journeys.Model;

/// <summary>What a metric measures; each kind reads a different part of the event log.</summary>
public enum MetricType
{
    /// <summary>Share of customers reaching <c>from</c> who go on to reach <c>to</c>.</summary>
    Conversion,
    /// <summary>Time from the first event of <c>from</c> to the first event of <c>to</c>.</summary>
    TimeBetween,
    /// <summary>Share of a start cohort that returns in a given period.</summary>
    Retention,
    /// <summary>Net promoter score from 0-10 answers.</summary>
    Nps,
    /// <summary>Share of 4-5 answers on a 1-5 scale.</summary>
    Csat,
    /// <summary>Number of matching events (or customers with one).</summary>
    Count,
    /// <summary>Share of a stage's customers with a matching event.</summary>
    Rate,
    /// <summary>Matching numerator events over matching denominator events.</summary>
    Ratio,
    /// <summary>Sum of a numeric property over matching events.</summary>
    Sum,
    /// <summary>Matching events per customer with one, per period (sessions per user per week).</summary>
    Frequency,
    /// <summary>Net revenue retention: revenue of last period's paying customers this period over last period.</summary>
    Nrr,
    /// <summary>Viral coefficient: signups from invites per existing customer (invites per customer times invite conversion).</summary>
    ViralCoefficient,
    /// <summary>A value computed elsewhere (e.g. health score) and only compared with its target.</summary>
    Score,
}

public enum RetentionPeriod { Day, Week, Month }

/// <summary>A measurable quantity with a target; a stage KPI or a journey-level metric.</summary>
public sealed record Metric
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required MetricType Type { get; init; }
    public Target? Target { get; init; }
    /// <summary>The KPI's value before the work, as the document states it ("from 14 days").</summary>
    public Baseline? Baseline { get; init; }
    /// <summary>The goal as a change from <see cref="Baseline"/> ("+20%", "-30%"); with a baseline it sets <see cref="Target"/>.</summary>
    public TargetChange? Change { get; init; }
    /// <summary>Whether <see cref="Target"/> was computed from the baseline and the change rather than written.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool TargetFromChange { get; init; }
    public string? Description { get; init; }
    /// <summary>Stage id the conversion or time starts at.</summary>
    public string? From { get; init; }
    /// <summary>Stage id the conversion or time ends at.</summary>
    public string? To { get; init; }
    /// <summary>An event the conversion or time starts at, instead of a stage (written <c>from: { event: ... }</c>).</summary>
    public EventCondition? FromEvent { get; init; }
    /// <summary>An event the conversion or time ends at, instead of a stage (written <c>to: { event: ... }</c>).</summary>
    public EventCondition? ToEvent { get; init; }
    /// <summary>The event counted, summed, answered (NPS/CSAT) or starting a retention cohort.</summary>
    public EventCondition? Event { get; init; }
    public EventCondition? ReturnEvent { get; init; }
    public EventCondition? Denominator { get; init; }
    /// <summary>For a viral coefficient: the signup that came from an invite (the invite is <see cref="Event"/>).</summary>
    public EventCondition? Signup { get; init; }
    public RetentionPeriod? Period { get; init; }
    public int? PeriodNumber { get; init; }
    /// <summary>The event property holding the value for NPS, CSAT and sums.</summary>
    public string? Property { get; init; }
    /// <summary>For rates: the stage whose customers form the base.</summary>
    public string? Of { get; init; }
    public Duration? Window { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    /// <summary>
    /// How the target relates to the baseline, for renders to print beside it: "+20% from 12%", "from 14d", or
    /// "-30%, no baseline" when the document states the change alone. Null without a baseline or a change.
    /// </summary>
    public string? BaselineNote => (Baseline, Change) switch
    {
        ({ } b, { } c) => $"{c.Text} from {b.Text}",
        ({ } b, null) => $"from {b.Text}",
        (null, { } c) => $"{c.Text}, no baseline",
        _ => null,
    };
}
