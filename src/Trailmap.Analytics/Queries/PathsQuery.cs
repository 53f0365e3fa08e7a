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

    /// <summary>
    /// Builds a Sankey's spec from <paramref name="from"/> or <paramref name="to"/> (exactly one), or, with
    /// <paramref name="droppedAt"/>, for the paths of a funnel step's drop-off (then neither); throws
    /// <see cref="QueryParameterException"/> naming the parameter that is wrong.
    /// </summary>
    public static SankeySpec Sankey(string? from, string? to, int depth, string? minShare, bool droppedAt = false)
    {
        from = string.IsNullOrWhiteSpace(from) ? null : from.Trim();
        to = string.IsNullOrWhiteSpace(to) ? null : to.Trim();
        if (droppedAt && (from is not null || to is not null))
        {
            throw new QueryParameterException(from is not null ? "from" : "to", "the paths of a step's drop-off start at that step; leave out from and to");
        }

        if (!droppedAt && (from is null) == (to is null))
        {
            throw new QueryParameterException(from is null ? "from" : "to", "give exactly one of from EVENT (what follows it) or to EVENT (what precedes it)");
        }

        if (depth is < 1 or > MaxDepth)
        {
            throw new QueryParameterException("depth", $"takes 1 to {MaxDepth} steps; {depth} is out of range");
        }

        return new SankeySpec { From = from, To = to, Depth = depth, MinShare = MinShare(minShare) };
    }

    /// <summary>Reads a minimum share: a fraction from 0 to 1 (0.05), or a percentage (5%); empty is the default.</summary>
    public static decimal MinShare(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return PathSankey.DefaultMinShare;
        }

        var t = text.Trim();
        var percent = t.EndsWith('%');
        if (!decimal.TryParse(percent ? t[..^1] : t, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var share)
            || (percent ? share / 100 : share) is < 0 or > 1)
        {
            throw new QueryParameterException("min-share", $"'{text}' is not a share; write a fraction from 0 to 1 (0.05) or a percentage (5%)");
        }

        return percent ? share / 100 : share;
    }

    /// <summary>Reads the funnel step whose drop-off a Sankey follows: 1 to the last step but one.</summary>
    public static int DroppedAt(string? text, int steps)
    {
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var step) || step < 1 || step >= steps)
        {
            throw new QueryParameterException("dropped-at", steps < 2
                ? "the funnel needs at least two steps for anyone to drop"
                : $"'{text}' is not a step customers can drop at; give 1 to {steps - 1} (the last step has no next one)");
        }

        return step;
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
