namespace Trailmap.Journeys.Model;

/// <summary>
/// A saved group of customers, reusable as a funnel or retention filter, a breakdown, a persona's population and a
/// rule's audience: a saved list of ids, or rules on behaviour and traits that every member meets (docs/cohorts.md).
/// </summary>
public sealed record Cohort
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }

    /// <summary>Events the member did, each with its count and window; all must hold.</summary>
    public IReadOnlyList<CohortEventRule> Did { get; init; } = [];

    /// <summary>Events the member did not do (in the window, when one is given); all must hold.</summary>
    public IReadOnlyList<CohortEventRule> DidNot { get; init; } = [];

    /// <summary>A filter on the member's traits, e.g. <c>plan == "team"</c>.</summary>
    public Filter? Traits { get; init; }

    /// <summary>A saved list of customer (or account) ids; a cohort has either this or rules, never both.</summary>
    public IReadOnlyList<string>? Ids { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    /// <summary>The cohort's name as people read it: its name, else its id.</summary>
    public string Title => Name ?? Id;

    /// <summary>Whether the cohort is a saved list of ids rather than rules.</summary>
    public bool IsList => Ids is not null;
}

/// <summary>
/// "Did <see cref="Event"/> at least <see cref="AtLeast"/> (and at most <see cref="AtMost"/>) times", counted from
/// the member's first <see cref="Of"/> event, up to <see cref="Within"/> after it (inclusive at both ends).
/// </summary>
public sealed record CohortEventRule
{
    public required EventCondition Event { get; init; }

    /// <summary>The fewest matching events; 1 unless written. Not used by a did_not rule.</summary>
    public int AtLeast { get; init; } = 1;

    /// <summary>The most matching events, when written. Not used by a did_not rule.</summary>
    public int? AtMost { get; init; }

    /// <summary>The event whose first occurrence opens the window; null counts the whole history.</summary>
    public EventCondition? Of { get; init; }

    /// <summary>How long after the <see cref="Of"/> event the window stays open; null: to the end of the history.</summary>
    public Duration? Within { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    public override string ToString()
    {
        var count = AtMost is { } most ? $"{AtLeast} to {most} times" : AtLeast == 1 ? "" : $"at least {AtLeast} times";
        var window = Of is null ? "" : Within is { } w ? $" within {w.Text} of {Of}" : $" at or after {Of}";
        return $"{Event}{(count.Length > 0 ? " " + count : "")}{window}";
    }
}
