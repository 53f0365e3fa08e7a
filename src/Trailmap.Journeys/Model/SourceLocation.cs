namespace Trailmap.Journeys.Model;

/// <summary>A 1-based line and column in a journey file, so every message can point at its cause.</summary>
public readonly record struct SourceLocation(int Line, int Column)
{
    public static SourceLocation None => default;

    public bool IsKnown => Line > 0;

    public override string ToString() => $"{Line}:{Column}";
}
