namespace Trailmap.Journeys.Model;

/// <summary>A 1-based line and column in a journey file, so every message can point at its cause.</summary>
public readonly record struct SourceLocation(int Line, int Column)
{
    public static SourceLocation None => default;

    public bool IsKnown => Line > 0;

    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// Where each value of a mapping was written, keyed "from", "addresses[1]" or "targets.activation", so a
/// diagnostic about one field points at that field rather than at the start of its mapping.
/// </summary>
public static class SourceLocations
{
    public static IReadOnlyDictionary<string, SourceLocation> Empty { get; } = new Dictionary<string, SourceLocation>();

    /// <summary>The location written for <paramref name="key"/>, or <paramref name="fallback"/> when it is unknown.</summary>
    public static SourceLocation Of(this IReadOnlyDictionary<string, SourceLocation> locations, string key, SourceLocation fallback) =>
        locations.TryGetValue(key, out var at) ? at : fallback;
}
