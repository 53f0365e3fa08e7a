namespace Trailmap.Discovery.Discover;

/// <summary>The knobs of <c>trailmap discover</c>; every default is documented in docs/discover.md.</summary>
public sealed record DiscoveryOptions
{
    /// <summary>An event (and a pair of events, for their order) needs at least this many customers to count.</summary>
    public int MinCustomers { get; init; } = 20;

    /// <summary>
    /// Of the customers who reached two events, at least this share must reach them in the same order for one to
    /// follow the other as a stage.
    /// </summary>
    public double Consistency { get; init; } = 0.8;

    /// <summary>At most this many stages.</summary>
    public int MaxStages { get; init; } = 8;

    /// <summary>Only the most reached event names are considered as stages (a store can hold thousands of names).</summary>
    public int MaxCandidates { get; init; } = 50;

    public int MaxMoments { get; init; } = 3;

    public int MaxPersonas { get; init; } = 3;

    /// <summary>A trait with more distinct values than this (names, emails, ids) is not a segment.</summary>
    public int MaxTraitValues { get; init; } = 12;

    /// <summary>The journey's id in the written file.</summary>
    public string JourneyId { get; init; } = "discovered";

    public void Check()
    {
        if (MinCustomers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinCustomers), MinCustomers, "the minimum number of customers must be at least 1");
        }

        if (Consistency is <= 0.5 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Consistency), Consistency, "the order consistency must be above 0.5 and at most 1");
        }

        if (MaxStages < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxStages), MaxStages, "a journey needs at least 2 stages");
        }
    }
}
