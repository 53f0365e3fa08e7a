namespace Trailmap.Journeys.Parsing;

/// <summary>
/// The bounds a journey file must stay within, so that one file, from a careless hand or a hostile caller, cannot
/// exhaust the stack, the memory or the CPU of the CLI or the server that reads it. docs/journey-format.md lists them.
/// </summary>
public static class JourneyLimits
{
    /// <summary>The largest journey file, in bytes of UTF-8 (1 MiB): far above a hand-written map, which stays under 100 KB.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>How deeply lists and mappings may nest. The format itself needs about eight levels.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The most text the file may stand for with every alias (<c>*name</c>) replaced by what it names, in characters:
    /// the same bound as a file written out in full, so a few aliases cannot make a map of a hundred megabytes.
    /// </summary>
    public const int MaxExpandedChars = MaxFileBytes;

    /// <summary>
    /// The most stages with an <c>entry</c> one journey may have: analysis follows them as the steps of one funnel,
    /// and the funnel keeps one bit per step (Trailmap.Analytics' FunnelSpec.MaxSteps).
    /// </summary>
    public const int MaxMeasuredStages = 30;
}
