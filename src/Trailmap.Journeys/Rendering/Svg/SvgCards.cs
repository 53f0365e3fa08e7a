using System.Security;
using System.Text;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// The journey-wide cards below the SVG map (touchpoints in detail, triggers, programs, activation paths, cohort
/// targets, roadmap): a heading per section and cards in rows that wrap at the map's width. Text is wrapped by
/// character count like the map's cells, and every card grows to fit its lines.
/// </summary>
internal static class SvgCards
{
    private const int CardWidth = 300;
    private const int Gap = 12;
    private const int Padding = 12;
    private const int HeadingHeight = 30;
    private const int TitleLineHeight = 17;
    private const int RowLineHeight = 15;
    private const int MaxLinesPerRow = 8;
    /// <summary>Lines for a text written over several lines (a message body), which a card shows nearly whole.</summary>
    private const int MaxLinesPerText = 40;
    private const double CharWidth = 6.6;

    private static int Chars => (int)((CardWidth - (2 * Padding)) / CharWidth);

    public const string Css = """
.card-section { font-size: 15px; font-weight: 700; fill: #1d2333; }
.card-box { fill: #ffffff; stroke: #e4e7ee; stroke-width: 1; }
.card-title { font-size: 12.5px; font-weight: 700; fill: #1d2333; }
.card-label { font-size: 11px; font-weight: 700; fill: #7a8499; }
.card-text { font-size: 11px; fill: #3b4257; }
""";

    /// <summary>The height the cards take below <paramref name="top"/>; with <paramref name="svg"/> they are also drawn.</summary>
    public static int Place(IReadOnlyList<CardSection> sections, int left, int top, int width, StringBuilder? svg)
    {
        var perRow = Math.Max(1, (width - (2 * left) + Gap) / (CardWidth + Gap));
        var y = top;
        foreach (var section in sections)
        {
            svg?.Append("<text class=\"card-section\" x=\"").Append(left).Append("\" y=\"").Append(y + 18).Append("\">").Append(X(section.Title)).Append("</text>\n");
            y += HeadingHeight;
            for (var start = 0; start < section.Cards.Count; start += perRow)
            {
                var row = section.Cards.Skip(start).Take(perRow).Select(Lines).ToList();
                var height = row.Max(Height);
                for (var i = 0; i < row.Count; i++)
                {
                    if (svg is not null)
                    {
                        Draw(svg, row[i], left + (i * (CardWidth + Gap)), y, height, section.Css, section.Cards[start + i].Id);
                    }
                }

                y += height + Gap;
            }

            y += Gap;
        }

        return y - top;
    }

    private static (IReadOnlyList<string> Title, IReadOnlyList<(string Css, string Text)> Body) Lines(Card card)
    {
        var body = new List<(string, string)>();
        foreach (var row in card.Rows)
        {
            body.Add(("card-label", row.Label));
            // A message body or a touchpoint's content keeps its own line breaks, each line wrapped on its own.
            var paragraphs = row.Value.Split('\n');
            var budget = paragraphs.Length > 1 ? MaxLinesPerText : MaxLinesPerRow;
            var lines = new List<string>();
            foreach (var paragraph in paragraphs.Select(p => p.TrimEnd('\r')))
            {
                if (lines.Count >= budget)
                {
                    lines[^1] = TextWrap.Truncate(lines[^1] + " " + paragraph, Chars);
                    break;
                }

                lines.AddRange(paragraph.Trim().Length == 0 ? [""] : TextWrap.Wrap(paragraph, Chars, budget - lines.Count));
            }

            body.AddRange(lines.Select(l => ("card-text", l)));
        }

        return (TextWrap.Wrap(card.Title, (int)(Chars * 0.9), 3), body);
    }

    private static int Height((IReadOnlyList<string> Title, IReadOnlyList<(string Css, string Text)> Body) lines) =>
        (2 * Padding) + (lines.Title.Count * TitleLineHeight) + 4 + (lines.Body.Count * RowLineHeight);

    private static void Draw(StringBuilder svg, (IReadOnlyList<string> Title, IReadOnlyList<(string Css, string Text)> Body) lines, int x, int y, int height, string css, string id)
    {
        svg.Append("<g class=\"card ").Append(css).Append("\" data-id=\"").Append(X(id)).Append("\"><rect class=\"card-box\" x=\"").Append(x).Append("\" y=\"").Append(y)
            .Append("\" width=\"").Append(CardWidth).Append("\" height=\"").Append(height).Append("\" rx=\"8\"/>");
        var ty = y + Padding + 12;
        foreach (var t in lines.Title)
        {
            svg.Append("<text class=\"card-title\" x=\"").Append(x + Padding).Append("\" y=\"").Append(ty).Append("\">").Append(X(t)).Append("</text>");
            ty += TitleLineHeight;
        }

        ty += 4;
        foreach (var (lineCss, text) in lines.Body)
        {
            svg.Append("<text class=\"").Append(lineCss).Append("\" x=\"").Append(x + Padding).Append("\" y=\"").Append(ty).Append("\">").Append(X(text)).Append("</text>");
            ty += RowLineHeight;
        }

        svg.Append("</g>\n");
    }

    private static string X(string text) => SecurityElement.Escape(text) ?? "";
}
