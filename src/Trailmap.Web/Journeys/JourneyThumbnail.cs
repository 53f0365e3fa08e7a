using System.Globalization;
using System.Net;
using System.Text;

namespace Trailmap.Web.Journeys;

/// <summary>
/// A thumbnail of a journey's map for the journey list: one column per stage, in order, each filled to the share of
/// customers who reached it against the stage most reached (the map's funnel at a glance). A journey not yet
/// measured, or that nobody entered, shows its columns empty. Inline SVG, named for screen readers.
/// </summary>
public static class JourneyThumbnail
{
    public const int Width = 120;
    public const int Height = 32;

    /// <summary>The thumbnail; <paramref name="reached"/> holds each stage's count, or is null when there is none.</summary>
    public static string Svg(IReadOnlyList<string> stages, IReadOnlyList<long>? reached)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var n = Math.Max(1, stages.Count);
        var max = reached is { Count: > 0 } ? reached.Max() : 0;
        var label = new StringBuilder("Map of ").Append(stages.Count.ToString(CultureInfo.InvariantCulture)).Append(stages.Count == 1 ? " stage" : " stages");
        if (max > 0)
        {
            label.Append(", customers reached: ").AppendJoin(", ", stages.Select((s, i) => s + " " + reached![i].ToString("N0", CultureInfo.InvariantCulture)));
        }
        else if (stages.Count > 0)
        {
            label.Append(": ").AppendJoin(", ", stages);
        }

        var svg = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg class=\"thumb\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"")
            .Append(WebUtility.HtmlEncode(label.ToString())).Append("\">");
        var column = (double)Width / n;
        for (var i = 0; i < stages.Count; i++)
        {
            var x = i * column;
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"stage\" x=\"{x + 1:0.##}\" y=\"0\" width=\"{column - 2:0.##}\" height=\"{Height}\" rx=\"2\"/>");
            if (max > 0)
            {
                var h = Math.Max(reached![i] > 0 ? 1.0 : 0.0, Height * (double)reached[i] / max);
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"reached\" x=\"{x + 1:0.##}\" y=\"{Height - h:0.##}\" width=\"{column - 2:0.##}\" height=\"{h:0.##}\" rx=\"2\"/>");
            }
        }

        return svg.Append("</svg>").ToString();
    }
}
