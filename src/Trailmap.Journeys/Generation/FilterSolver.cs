using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Generation;

/// <summary>
/// Finds property values that make a filter true (or false): how the generator builds traits that put a customer in
/// exactly one persona and event properties that meet a stage's <c>where</c>. Every answer is checked with
/// <see cref="Filter.Matches"/>, so a filter it cannot solve yields false rather than a wrong value.
/// </summary>
internal static class FilterSolver
{
    /// <summary>
    /// Adds values to <paramref name="values"/> so that the filter evaluates to <paramref name="want"/>; values already
    /// present are kept. With <paramref name="vary"/>, "in" picks a random member; with <paramref name="spread"/> too, "&gt;=" picks a
    /// value up to 4 above the bound (for traits such as seats, never for bounded answers such as scores).
    /// </summary>
    public static bool TrySolve(Filter filter, bool want, Dictionary<string, object?> values, ref Pcg32 rng, bool vary, bool spread = false)
    {
        switch (filter)
        {
            case Filter.Not n:
                return TrySolve(n.Inner, !want, values, ref rng, vary, spread);
            case Filter.And a:
                return want ? TrySolve(a.Left, true, values, ref rng, vary, spread) && TrySolve(a.Right, true, values, ref rng, vary, spread)
                    : TryEither(a.Left, a.Right, false, values, ref rng, vary, spread);
            case Filter.Or o:
                return want ? TryEither(o.Left, o.Right, true, values, ref rng, vary, spread)
                    : TrySolve(o.Left, false, values, ref rng, vary, spread) && TrySolve(o.Right, false, values, ref rng, vary, spread);
            case Filter.Comparison c:
                return TrySolveComparison(c, want, values, ref rng, vary, spread);
            default:
                return false;
        }
    }

    private static bool TryEither(Filter first, Filter second, bool want, Dictionary<string, object?> values, ref Pcg32 rng, bool vary, bool spread = false)
    {
        var trial = new Dictionary<string, object?>(values);
        if (TrySolve(first, want, trial, ref rng, vary, spread))
        {
            Copy(trial, values);
            return true;
        }

        trial = new Dictionary<string, object?>(values);
        if (TrySolve(second, want, trial, ref rng, vary, spread))
        {
            Copy(trial, values);
            return true;
        }

        return false;
    }

    private static void Copy(Dictionary<string, object?> from, Dictionary<string, object?> to)
    {
        foreach (var (k, v) in from)
        {
            to[k] = v;
        }
    }

    private static bool TrySolveComparison(Filter.Comparison c, bool want, Dictionary<string, object?> values, ref Pcg32 rng, bool vary, bool spread = false)
    {
        object? Lookup(string key) => values.GetValueOrDefault(key);
        if (values.ContainsKey(c.Property))
        {
            return c.Matches(Lookup) == want;
        }

        values[c.Property] = want ? Satisfying(c, ref rng, vary, spread) : Violating(c);
        if (c.Matches(Lookup) == want)
        {
            return true;
        }

        values.Remove(c.Property);
        return false;
    }

    private static object? Satisfying(Filter.Comparison c, ref Pcg32 rng, bool vary, bool spread = false) => c.Operator switch
    {
        FilterOperator.Equal or FilterOperator.LessOrEqual => c.Value,
        FilterOperator.NotEqual => Other(c.Values),
        FilterOperator.In => c.Values[vary ? rng.Next(c.Values.Count) : 0],
        FilterOperator.Exists => true,
        FilterOperator.Contains => c.Value,
        FilterOperator.Greater => Above(c.Value),
        FilterOperator.GreaterOrEqual => vary && spread && c.Value is double d ? d + rng.Next(5) : c.Value,
        FilterOperator.Less => Below(c.Value),
        _ => null,
    };

    private static object? Violating(Filter.Comparison c) => c.Operator switch
    {
        FilterOperator.Equal or FilterOperator.In => Other(c.Values),
        FilterOperator.NotEqual or FilterOperator.Greater or FilterOperator.Less => c.Value,
        FilterOperator.Exists => null,
        FilterOperator.Contains => "none",
        FilterOperator.GreaterOrEqual => Below(c.Value),
        FilterOperator.LessOrEqual => Above(c.Value),
        _ => null,
    };

    // A value equal to none of the given ones, of the same kind.
    private static object? Other(IReadOnlyList<object?> values) => values.FirstOrDefault(v => v is not null) switch
    {
        double => values.OfType<double>().Max() + 1,
        bool b => values.Count == 1 ? !b : "other",
        _ => "other",
    };

    private static object? Above(object? v) => v switch
    {
        double d => Math.Floor(d) + 1,
        string s => s + "z",
        _ => null,
    };

    private static object? Below(object? v) => v switch
    {
        double d => Math.Ceiling(d) - 1,
        string s when s.Length > 0 => "",
        _ => null,
    };
}
