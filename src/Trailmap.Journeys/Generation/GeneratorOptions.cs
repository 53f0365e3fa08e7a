using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Generation;

/// <summary>How many customers to simulate, from which seed, and over which period they arrive.</summary>
public sealed record GeneratorOptions
{
    /// <summary>The default start of arrivals: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The default arrival period: 60 days.</summary>
    public static readonly Duration DefaultSpan = Duration.Parse("60d");

    public int Customers { get; init; } = 1000;
    public int Seed { get; init; } = 1;
    /// <summary>When the first customer can arrive.</summary>
    public DateTimeOffset Start { get; init; } = DefaultStart;
    /// <summary>Arrivals are spread over this period after <see cref="Start"/>; null means <see cref="DefaultSpan"/>.</summary>
    public Duration? Span { get; init; }
    /// <summary>Multiplies every stage-to-stage conversion probability (capped at 99%), e.g. 2.0 for a fuller funnel in a demo.</summary>
    public double ConversionScale { get; init; } = 1.0;

    internal TimeSpan ArrivalSpan => (Span ?? DefaultSpan).Span;

    internal void Validate()
    {
        if (Customers < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Customers), Customers, "the number of customers cannot be negative");
        }

        if (!(ConversionScale > 0) || double.IsInfinity(ConversionScale))
        {
            throw new ArgumentOutOfRangeException(nameof(ConversionScale), ConversionScale, "the conversion scale must be a positive number");
        }

        if (ArrivalSpan < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Span), Span, "the arrival span cannot be negative");
        }
    }
}
