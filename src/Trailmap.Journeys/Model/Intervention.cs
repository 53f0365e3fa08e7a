namespace Trailmap.Journeys.Model;

/// <summary>The trigger of an intervention; exactly one kind is set.</summary>
public sealed record Condition
{
    /// <summary>An event happened (with optional property filters).</summary>
    public EventCondition? Event { get; init; }
    /// <summary>No <see cref="InactiveEvent"/> for this long.</summary>
    public Duration? InactiveFor { get; init; }
    public EventCondition? InactiveEvent { get; init; }
    public string? EnteredStage { get; init; }
    public string? StuckInStage { get; init; }
    public Duration? StuckFor { get; init; }
    public string? MissedMoment { get; init; }
    /// <summary>A per-customer metric threshold such as <c>health &lt; 60</c>.</summary>
    public Filter? Metric { get; init; }
    public string? TraitChanged { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    public override string ToString() =>
        Event is not null ? $"{Event}"
        : InactiveFor is not null ? $"no {InactiveEvent?.ToString() ?? "event"} for {InactiveFor}"
        : EnteredStage is not null ? $"entered {EnteredStage}"
        : StuckInStage is not null ? $"stuck in {StuckInStage} for {StuckFor}"
        : MissedMoment is not null ? $"missed {MissedMoment}"
        : Metric is not null ? Metric.ToString()
        : TraitChanged is not null ? $"trait {TraitChanged} changed"
        : "";
}

public enum ActionChannel { Email, Webhook, Slack, InApp }

/// <summary>What an intervention does: send an email, call a webhook, post to Slack or queue an in-app message.</summary>
public sealed record InterventionAction
{
    public required ActionChannel Channel { get; init; }
    public string? Template { get; init; }
    public string? Subject { get; init; }
    public string? To { get; init; }
    public string? Url { get; init; }
    public string? Message { get; init; }
    /// <summary>The full text of the message, beside its subject: an email's body, as the customer reads it.</summary>
    public string? Body { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    public override string ToString() => $"{Channel.ToString().ToLowerInvariant()}: {Subject ?? Template ?? Message ?? Url ?? To}";
}

/// <summary>A rule attached to a stage: when the condition holds, take the action.</summary>
public sealed record Intervention
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Stage { get; init; }
    public required Condition When { get; init; }
    public required InterventionAction Then { get; init; }
    public EventCondition? Goal { get; init; }
    /// <summary>Share of customers deliberately not treated, 0..1.</summary>
    public double? Holdout { get; init; }
    /// <summary>Triggers that fired while the rule was paused: skip them (the default) or send them on resume.</summary>
    public ResumePolicy? OnResume { get; init; }
    /// <summary>The id of the cohort the rule is for: it fires only for customers who are members when it fires.</summary>
    public string? Audience { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

public sealed record SequenceStep
{
    /// <summary>Whole days from the trigger; for a step written with <see cref="After"/>, the days it spans, rounded down.</summary>
    public required int Day { get; init; }
    /// <summary>An offset finer than a day (5m, 2h), written instead of <see cref="Day"/>.</summary>
    public Duration? After { get; init; }
    public required InterventionAction Then { get; init; }

    /// <summary>When the step falls due after the trigger.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan Offset => After?.Span ?? TimeSpan.FromDays(Day);

    /// <summary>The offset as people read it: "Day 3", or "after 5m" for a step written with <see cref="After"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string When => After is { } after ? $"after {after.Text}" : $"Day {Day.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

public enum Reentry { Never, Always, AfterExit }

/// <summary>A timed series of actions (day 0, 3, 7...) that stops when the exit goal happens.</summary>
public sealed record Sequence
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Stage { get; init; }
    public required Condition Trigger { get; init; }
    public IReadOnlyList<SequenceStep> Steps { get; init; } = [];
    public EventCondition? Exit { get; init; }
    public Reentry Reentry { get; init; } = Reentry.Never;
    public double? Holdout { get; init; }
    /// <summary>Steps that fell due while the sequence was paused: skip them (the default) or send them on resume.</summary>
    public ResumePolicy? OnResume { get; init; }
    /// <summary>The id of the cohort the rule is for: it fires only for customers who are members when it fires.</summary>
    public string? Audience { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}
