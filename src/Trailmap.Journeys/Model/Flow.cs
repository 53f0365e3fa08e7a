namespace Trailmap.Journeys.Model;

/// <summary>
/// An ordered path of named steps a customer walks, from a document's arrow-joined flow ("README.md → Module 05 folder
/// → Run first example"): a first visit, a checkout, a community onboarding. Each step may name the stage or the
/// touchpoint it happens in, and the flow as a whole where it happens.
/// </summary>
public sealed record JourneyFlow
{
    /// <summary>The most steps one flow may have: a flow people read on a map, far above any a document draws.</summary>
    public const int MaxSteps = 100;

    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>The stage the whole flow happens in, when it stays in one.</summary>
    public string? Stage { get; init; }
    /// <summary>The touchpoint the whole flow happens at (a repository's first visit, a product page).</summary>
    public string? Touchpoint { get; init; }
    public IReadOnlyList<FlowStep> Steps { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>One step of a <see cref="JourneyFlow"/>: its name, and optionally the stage or touchpoint it happens in.</summary>
public sealed record FlowStep
{
    public required string Name { get; init; }
    public string? Stage { get; init; }
    public string? Touchpoint { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}
