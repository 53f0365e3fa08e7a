namespace Trailmap.Journeys.Rendering;

/// <summary>
/// Word wrapping for SVG, which has no text layout of its own. Widths are estimated by character count, so the
/// budget is conservative: a line never holds more than <c>maxChars</c> characters.
/// </summary>
internal static class TextWrap
{
    public const string Ellipsis = "…";

    public static IReadOnlyList<string> Wrap(string text, int maxChars, int maxLines)
    {
        maxChars = Math.Max(maxChars, 2);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var lines = new List<string>();
        var line = "";
        foreach (var word in words)
        {
            var rest = word;
            while (rest.Length > 0)
            {
                var candidate = line.Length == 0 ? rest : $"{line} {rest}";
                if (candidate.Length <= maxChars)
                {
                    line = candidate;
                    rest = "";
                }
                else if (line.Length > 0)
                {
                    lines.Add(line);
                    line = "";
                }
                else
                {
                    // A word longer than the line (a URL, an id) is cut rather than allowed to overflow.
                    lines.Add(rest[..maxChars]);
                    rest = rest[maxChars..];
                }
            }
        }

        if (line.Length > 0)
        {
            lines.Add(line);
        }

        if (lines.Count <= maxLines)
        {
            return lines;
        }

        var kept = lines.Take(maxLines).ToList();
        kept[^1] = Truncate(kept[^1] + " " + lines[maxLines], maxChars);
        return kept;
    }

    /// <summary>Shortens to at most <paramref name="maxChars"/> characters, ending in an ellipsis when cut.</summary>
    public static string Truncate(string text, int maxChars)
    {
        maxChars = Math.Max(maxChars, 2);
        return text.Length <= maxChars ? text : text[..(maxChars - 1)].TrimEnd() + Ellipsis;
    }
}
