using Trailmap.Analytics.Paths;

namespace Trailmap.Analytics.Queries;

/// <summary>A paths question asked in words (<c>trailmap paths</c>, the REST API), and its documented JSON.</summary>
public static class PathsQuery
{
    public const int MaxDepth = 20;
    public const int MaxTop = 1000;

    /// <summary>Builds the spec; throws <see cref="QueryParameterException"/> naming the parameter that is wrong.</summary>
    public static PathsSpec Spec(string? from, string? to, int depth, int top)
    {
        from = string.IsNullOrWhiteSpace(from) ? null : from.Trim();
        to = string.IsNullOrWhiteSpace(to) ? null : to.Trim();
        if ((from is null) == (to is null))
        {
            throw new QueryParameterException(from is null ? "from" : "to", "give exactly one of from EVENT (what follows it) or to EVENT (what precedes it)");
        }

        if (depth is < 1 or > MaxDepth)
        {
            throw new QueryParameterException("depth", $"takes 1 to {MaxDepth} events per path; {depth} is out of range");
        }

        if (top is < 1 or > MaxTop)
        {
            throw new QueryParameterException("top", $"takes 1 to {MaxTop} paths; {top} is out of range");
        }

        return new PathsSpec { From = from, To = to, Depth = depth, Top = top };
    }

    /// <summary>The documented JSON: the anchor, the direction and the paths, most customers first.</summary>
    public static PathsJson Json(PathsSpec spec, IReadOnlyList<PathCount> paths) => new(
        spec.From ?? spec.To ?? "",
        spec.From is not null ? "from" : "to",
        [.. paths.Select(p => new PathJson(p.Events, p.Customers))]);
}

/// <summary>Paths as <c>trailmap paths --format json</c> and <c>GET /api/paths</c> write them.</summary>
public sealed record PathsJson(string Anchor, string Direction, IReadOnlyList<PathJson> Paths);

public sealed record PathJson(IReadOnlyList<string> Events, long Customers);
