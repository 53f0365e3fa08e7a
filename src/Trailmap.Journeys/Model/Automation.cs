namespace Trailmap.Journeys.Model;

/// <summary>How the automation sends: the journey-wide frequency cap and quiet hours (the top-level <c>automation:</c> map).</summary>
public sealed record AutomationSettings
{
    public FrequencyCap? FrequencyCap { get; init; }
    public QuietHours? QuietHours { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>At most <see cref="Max"/> messages per customer in any window of length <see cref="Per"/>, across all rules.</summary>
public sealed record FrequencyCap
{
    public required int Max { get; init; }
    public required Duration Per { get; init; }
}

/// <summary>
/// Local times in the customer's zone when nothing is sent: a message due inside [From, To) waits until To.
/// From after To wraps midnight (22:00 to 08:00).
/// </summary>
public sealed record QuietHours
{
    public const string DefaultTimezoneTrait = "timezone";
    public const string DefaultTimezoneId = "UTC";

    public required TimeOnly From { get; init; }
    public required TimeOnly To { get; init; }
    /// <summary>The customer trait holding an IANA zone name such as <c>Europe/Berlin</c>.</summary>
    public string TimezoneTrait { get; init; } = DefaultTimezoneTrait;
    /// <summary>The zone for customers without a valid zone trait.</summary>
    public string DefaultTimezone { get; init; } = DefaultTimezoneId;
}

/// <summary>What a paused rule does with the triggers that fired while it was paused, once it resumes.</summary>
public enum ResumePolicy { Skip, Send }
