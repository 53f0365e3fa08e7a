using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Funnels;

/// <summary>One funnel step: an event name plus an optional filter on the event's properties.</summary>
public sealed record FunnelStep(string Event, Filter? Where = null, string? Label = null)
{
    public string Name => Label ?? (Where is null ? Event : $"{Event} where {Where}");

    /// <summary>
    /// The step's own conversion window: at most this long after the chain's previous step (inclusive), on top of the
    /// funnel's window from step 1. Null: only the funnel's window applies. Never set on step 1.
    /// </summary>
    public Duration? Within { get; init; }
}

/// <summary>
/// Which step-1 event opens the window: <see cref="Latest"/> (ClickHouse, PostHog) lets every later step-1 event
/// start a newer chain; <see cref="First"/> (Mixpanel) keeps the first chain's window, and a later step-1 event
/// starts a new chain only once that window has closed (its timestamp is after start + window).
/// </summary>
public enum FunnelReentry { Latest, First }

/// <summary>What to count: ordered steps within <see cref="Window"/> of the chain's step-1 event.</summary>
public sealed record FunnelSpec
{
    /// <summary>The most steps a funnel may have: the kernel keeps one bit per step in a 32-bit mask.</summary>
    public const int MaxSteps = 30;

    public required IReadOnlyList<FunnelStep> Steps { get; init; }

    public Duration Window { get; init; } = Duration.Parse("14d");

    public FunnelModes Modes { get; init; } = FunnelModes.None;

    public FunnelReentry Reentry { get; init; } = FunnelReentry.Latest;

    public IReadOnlyList<FunnelStep> Exclusions { get; init; } = [];

    /// <summary>Breaks results down by this property of the converting chain's step-1 event, else by this customer trait.</summary>
    public string? BreakdownProperty { get; init; }

    /// <summary>With a period: outputs add conversion over time, by the period in which each entrant's chain started.</summary>
    public FunnelPeriod? OverTime { get; init; }

    /// <summary>Only events at or after this instant are read.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events before this instant are read (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    internal void Validate()
    {
        if (Steps.Count == 0)
        {
            throw new ArgumentException("a funnel needs at least one step");
        }

        if (Steps.Count > MaxSteps)
        {
            throw new ArgumentException($"a funnel has at most {MaxSteps} steps; this one has {Steps.Count}");
        }

        if (Window.Span < TimeSpan.Zero)
        {
            throw new ArgumentException("the funnel window cannot be negative");
        }

        FunnelModesParser.Validate(Modes);
        if (Steps[0].Within is not null)
        {
            throw new ArgumentException("step 1 starts the chain, so it cannot have a window of its own; give the funnel's window instead");
        }

        if (Steps.Any(s => s.Within is { } w && w.Span < TimeSpan.Zero))
        {
            throw new ArgumentException("a step window cannot be negative");
        }

        if (HasStepWindows && (Modes & ~FunnelModes.StrictIncrease) != FunnelModes.None)
        {
            throw new ArgumentException(
                $"step windows work with the default mode and strict-increase only, not with {FunnelModesParser.Format(Modes)}");
        }
    }

    /// <summary>Whether some step has a window of its own (<see cref="FunnelStep.Within"/>).</summary>
    public bool HasStepWindows => Steps.Any(s => s.Within is not null);
}
