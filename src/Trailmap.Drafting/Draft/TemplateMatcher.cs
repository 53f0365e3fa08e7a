using System.Text.RegularExpressions;
using Trailmap.Journeys.Templates;

namespace Trailmap.Drafting.Draft;

/// <summary>
/// The template closest to a brief, offered when no model is configured: the one whose name, title and description
/// share the most words with the brief (words of four letters or more, so "the" and "and" do not count).
/// </summary>
public static partial class TemplateMatcher
{
    public static JourneyTemplate Closest(string brief)
    {
        var words = Words(brief);
        return TemplateCatalog.All
            .Select(t => (Template: t, Score: Words($"{t.Name.Replace('-', ' ')} {t.Title} {t.Description}").Count(words.Contains)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Template.Name, StringComparer.Ordinal)
            .First().Template;
    }

    private static HashSet<string> Words(string text) =>
        [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    [GeneratedRegex(@"[a-z]{4,}")]
    private static partial Regex WordPattern();
}
