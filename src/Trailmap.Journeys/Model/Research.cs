using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Model;

/// <summary>Where a document stands in its review: a draft, in review, approved, final.</summary>
public enum DocumentStatus { Draft, InReview, Approved, Final }

/// <summary>
/// The header of a journey document ("Date: October 26, 2023 / Prepared For / Prepared By"): who wrote it, for whom,
/// which version, when, how far along, and who it is meant to be read by. The journey's own <c>owner</c> stays at the
/// top level, where the workspace already reads it.
/// </summary>
public sealed partial record DocumentInfo
{
    public string? Author { get; init; }
    /// <summary>The organisation or team the document was prepared for.</summary>
    public string? PreparedFor { get; init; }
    public string? Version { get; init; }
    /// <summary>The document's date as written, a day (2023-10-26) or a month (2023-10).</summary>
    public string? Date { get; init; }
    public DocumentStatus? Status { get; init; }
    /// <summary>Who the document is for: teams or roles ("Marketing", "Customer success").</summary>
    public IReadOnlyList<string> Audience { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    /// <summary>A calendar day or month, checked for a real month and day (2023-02-30 is refused).</summary>
    public static bool IsValidDate(string date)
    {
        var m = DatePattern().Match(date.Trim());
        if (!m.Success)
        {
            return false;
        }

        return !m.Groups["d"].Success || DateOnly.TryParseExact(date.Trim(), "yyyy-MM-dd", out _);
    }

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])(-(?<d>\d{2}))?$")]
    private static partial Regex DatePattern();
}

/// <summary>
/// A research finding ("Onboarding is critical: the move from interested to active user is high-risk"), with what it
/// rests on: its source (interviews, analytics) and the evidence (a number, a quote), and the stages and personas it is about.
/// </summary>
public sealed record Finding
{
    public required string Id { get; init; }
    public required string Text { get; init; }
    /// <summary>Where it comes from: "Customer interviews (n=12)", "Support tickets, Q3".</summary>
    public string? Source { get; init; }
    /// <summary>What shows it: a number, an observation or a quote.</summary>
    public string? Evidence { get; init; }
    public IReadOnlyList<string> Stages { get; init; } = [];
    public IReadOnlyList<string> Personas { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>
/// An insight statement drawn across the journey ("Ease of use is a differentiator"), with the findings it rests on
/// and the stages and opportunities it bears on.
/// </summary>
public sealed record Insight
{
    public required string Id { get; init; }
    public required string Text { get; init; }
    public IReadOnlyList<string> Findings { get; init; } = [];
    public IReadOnlyList<string> Stages { get; init; } = [];
    public IReadOnlyList<string> Opportunities { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}
