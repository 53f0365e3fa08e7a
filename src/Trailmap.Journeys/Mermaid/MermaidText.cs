using System.Text;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Mermaid;

/// <summary>
/// Makes journey text safe inside a Mermaid <c>journey</c> diagram, whose lexer has no quoting or escapes:
/// <list type="bullet">
/// <item><c>#</c> starts a comment, so it becomes <c>No.</c> ("#1 email" reads "No.1 email").</item>
/// <item><c>:</c> separates name, score and actors, so it becomes <c> -</c>; <c>;</c> is a syntax error, so it becomes <c>,</c>.</item>
/// <item>Line breaks and tabs end a statement, so they become spaces; runs of spaces collapse to one.</item>
/// <item><c>%</c> right after the first character of a token turns the rest of the line into a comment
/// ("5% off" would vanish), so it becomes the full-width <c>％</c>.</item>
/// <item><c>&lt;</c> and <c>&gt;</c> become <c>‹</c> and <c>›</c>, so no renderer of the diagram can ever see a tag.</item>
/// <item>In an actor name <c>,</c> would split the actor in two, so it becomes the full-width <c>，</c>.</item>
/// <item>A task name that begins like a keyword (<c>title </c>, <c>section </c>, <c>journey</c>, <c>accDescr {</c>;
/// Mermaid reads keywords case-insensitively) gets a leading <c>- </c> so it stays a task.</item>
/// </list>
/// </summary>
internal static partial class MermaidText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '#' => "No.",
                ':' => " -",
                ';' => ",",
                '%' => "％",
                '<' => "‹",
                '>' => "›",
                '\r' or '\n' or '\t' or '\u2028' or '\u2029' or '\u0085' or '\v' or '\f' => " ",
                _ when char.IsControl(c) => "",
                _ => c.ToString(),
            });
        }

        return Spaces().Replace(sb.ToString(), " ").Trim();
    }

    public static string Task(string? name)
    {
        var clean = Clean(name);
        return KeywordStart().IsMatch(clean) ? "- " + clean : clean;
    }

    public static string Actor(string? name) => Clean(name).Replace(",", "，", StringComparison.Ordinal);

    [GeneratedRegex(" {2,}")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?:journey|title\s|section\s|acc(?:title|descr)\s*[:{])", RegexOptions.IgnoreCase)]
    private static partial Regex KeywordStart();
}
