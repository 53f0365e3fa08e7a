namespace Trailmap.Journeys.Parsing;

/// <summary>"Did you mean" suggestions by edit distance, for unknown keys and values.</summary>
public static class Suggest
{
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        // A suggestion further away than about a third of the word is noise, not help.
        var threshold = Math.Max(2, given.Length / 3);
        var lower = given.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            // The distance is at least the difference in length, so most candidates need no table.
            var gap = Math.Abs(c.Length - lower.Length);
            if (gap > threshold || gap >= bestDistance)
            {
                continue;
            }

            var d = Distance(lower, c.ToLowerInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (c, d);
            }
        }

        return best is not null && bestDistance <= threshold ? best : null;
    }

    public static string DidYouMean(string given, IEnumerable<string> candidates) =>
        Closest(given, candidates) is { } s ? $"; did you mean '{s}'?" : "";

    /// <summary>Optimal string alignment distance: edits plus swaps of neighbours, the commonest typo.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
