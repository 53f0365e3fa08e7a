namespace Trailmap.Journeys.Model;

/// <summary>What a health component measures per customer, as of the moment health is computed.</summary>
public enum HealthComponentType
{
    /// <summary>Time since the customer's last matching event; good and bad are durations.</summary>
    Recency,
    /// <summary>Matching events within the window; good and bad are counts (good above bad: more is healthier).</summary>
    Frequency,
    /// <summary>Matching events within the window where fewer is healthier (open tickets); good below bad.</summary>
    Count,
    /// <summary>Share of the listed events (features) used at least once within the window.</summary>
    Adoption,
    /// <summary>The latest value of a numeric property, e.g. the last NPS answer; good and bad are numbers.</summary>
    Score,
}

/// <summary>
/// One input of a Gainsight-style health scorecard. Its value maps linearly onto 0-100: at or beyond
/// <see cref="Good"/> it scores 100, at or beyond <see cref="Bad"/> 0.
/// </summary>
public sealed record HealthComponent
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required HealthComponentType Type { get; init; }
    public EventCondition? Event { get; init; }
    /// <summary>For adoption: the events (features) whose use counts.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];
    public string? Property { get; init; }
    public Duration? Window { get; init; }
    /// <summary>The value that scores 100, in the component's unit (seconds for recency).</summary>
    public double Good { get; init; }
    /// <summary>The value that scores 0.</summary>
    public double Bad { get; init; }
    public double Weight { get; init; } = 1;
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>Maps a measured value onto 0-100; works whether good lies above or below bad.</summary>
    public double Score(double value)
    {
        if (Good == Bad)
        {
            return value == Good ? 100 : 0;
        }

        return Math.Clamp((value - Bad) / (Good - Bad), 0, 1) * 100;
    }
}

/// <summary>The journey's health scorecard: weighted components, the at-risk threshold and the trend period.</summary>
public sealed record HealthModel
{
    public IReadOnlyList<HealthComponent> Components { get; init; } = [];
    /// <summary>Score only customers who reached this stage (e.g. paying customers); null scores everyone.</summary>
    public string? Stage { get; init; }
    /// <summary>Customers below this score are listed as at risk (default 51: the red band).</summary>
    public double AtRiskBelow { get; init; } = 51;
    /// <summary>Health is also computed this long before the end of the data, for the trend (default 30d).</summary>
    public Duration TrendPeriod { get; init; } = Duration.Parse("30d");
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>Bands as Gainsight draws them: 0-50 red, 51-75 yellow, 76-100 green (on the rounded score).</summary>
    public static string Band(double score) => Math.Round(score, MidpointRounding.AwayFromZero) switch
    {
        <= 50 => "red",
        <= 75 => "yellow",
        _ => "green",
    };
}
