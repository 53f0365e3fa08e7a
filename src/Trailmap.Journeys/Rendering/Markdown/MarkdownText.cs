using System.Text;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// Makes journey text inert in GitHub Markdown: HTML is shown as text, Markdown punctuation cannot start
/// emphasis, links, code, math or tables, and a line break never starts a new block.
/// </summary>
public static partial class MarkdownText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        // Leading indentation would turn a paragraph into a code block; it carries no meaning in a map.
        text = text.TrimStart(' ', '\t');
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\r':
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    sb.Append("<br>");
                    break;
                case '\n' or '\u2028' or '\u2029' or '\u0085':
                    // A real line break would end a table row or start a new block; <br> keeps the text in place.
                    sb.Append("<br>");
                    break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '~' or '$' or '!':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        // At the start of a paragraph or list item these would open a heading, list, rule or setext underline.
        var escaped = sb.ToString();
        var marker = BlockMarker().Match(escaped);
        return marker.Success ? escaped.Insert(marker.Groups["mark"].Index, "\\") : escaped;
    }

    /// <summary>A table cell: several items separated by line breaks.</summary>
    public static string Cell(IEnumerable<string> items) => string.Join("<br>", items.Select(Escape));

    // "1. " opens a list but "1..5" and "3.2" do not, so digits only count before a space or the end.
    [GeneratedRegex(@"^(?:\d{1,9}(?<mark>[.)])(?=\s|$)|(?<mark>[#=+-]))")]
    private static partial Regex BlockMarker();
}
