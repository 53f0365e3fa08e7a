using System.Globalization;
using System.Text;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using static Trailmap.Journeys.Rendering.Html;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// The emotion lane: one inline SVG spanning every stage column, over a row of per-stage cells with the numbers
/// and feelings in text. Stage columns have equal widths and no gaps, so a stage's centre is at
/// (i + 0.5) / N of the chart's width: markers and labels use percentages and stay aligned at any width, while
/// the lines live in a nested SVG stretched to the same box with non-scaling strokes.
/// </summary>
internal static class HtmlEmotionCurve
{
    public const int ChartHeight = 200;
    public const int PlotTop = 38;
    public const int PlotBottom = 174;
    private const int ColumnUnits = 100;

    public static void Write(StringBuilder html, Journey journey, JourneyActuals? actuals)
    {
        var series = EmotionSeries.For(journey, actuals);
        var anyFeelings = journey.Stages.Any(s => s.Emotion?.Feelings.Count > 0);
        if (series.Count == 0 && !anyFeelings)
        {
            return;
        }

        var scale = journey.EmotionScale;
        html.Append("<div class=\"lane lane-emotion\">\n<div class=\"lane-label\"><span class=\"lane-name\">Emotion</span>")
            .Append("<span class=\"lane-hint\">Scale ").Append(E(scale.ToString())).Append("</span>");
        Legend(html, series);
        html.Append("</div>\n<div class=\"curve\">");
        Chart(html, journey, series);
        html.Append("</div>\n");
        for (var i = 0; i < journey.Stages.Count; i++)
        {
            var stage = journey.Stages[i];
            HtmlMap.OpenCell(html, stage, "emotion", " emotion-cell");
            html.Append("<div class=\"scores\">");
            foreach (var s in series)
            {
                var score = s.Scores[i];
                if (score is { } value)
                {
                    html.Append("<span class=\"score ").Append(s.Kind).Append("\">").Append(s.Label.ToLowerInvariant())
                        .Append(" <b>").Append(Num(value)).Append("</b></span>");
                }
            }

            html.Append("</div>");
            if (stage.Emotion?.Feelings is { Count: > 0 } feelings)
            {
                html.Append("<ul class=\"feelings\">");
                foreach (var f in feelings)
                {
                    html.Append("<li>").Append(E(f)).Append("</li>");
                }

                html.Append("</ul>");
            }

            html.Append("</div>\n");
        }

        html.Append("</div>\n");
    }

    /// <summary>The y coordinate of a score: the scale's maximum at <see cref="PlotTop"/>, its minimum at <see cref="PlotBottom"/>.</summary>
    public static double Y(EmotionScale scale, double score) =>
        PlotBottom - (EmotionSeries.Height(scale, score) * (PlotBottom - PlotTop));

    private static void Legend(StringBuilder html, IReadOnlyList<EmotionSeries> series)
    {
        if (series.Count == 0)
        {
            return;
        }

        html.Append("<ul class=\"legend\">");
        foreach (var s in series)
        {
            html.Append("<li><svg width=\"26\" height=\"10\" aria-hidden=\"true\"><line class=\"line ").Append(s.Kind)
                .Append("\" x1=\"1\" y1=\"5\" x2=\"25\" y2=\"5\"/></svg>").Append(s.Label).Append("</li>");
        }

        html.Append("</ul>");
    }

    private static void Chart(StringBuilder html, Journey journey, IReadOnlyList<EmotionSeries> series)
    {
        var scale = journey.EmotionScale;
        var n = journey.Stages.Count;
        html.Append("<svg class=\"emotion-chart\" width=\"100%\" height=\"").Append(ChartHeight)
            .Append("\" role=\"img\" aria-label=\"Emotion curve on a scale of ").Append(E(scale.ToString())).Append("\">");
        var step = scale.Max - scale.Min > 5 ? 2 : 1;
        for (var v = scale.Min; v <= scale.Max; v += step)
        {
            var y = F(Y(scale, v));
            html.Append("<line class=\"grid").Append(v == scale.Min || v == scale.Max ? " edge" : "").Append("\" x1=\"0\" x2=\"100%\" y1=\"").Append(y)
                .Append("\" y2=\"").Append(y).Append("\"/><text class=\"axis\" x=\"6\" y=\"").Append(F(Y(scale, v) - 3)).Append("\">")
                .Append(v).Append("</text>");
        }

        for (var i = 1; i < n; i++)
        {
            html.Append("<line class=\"divider\" x1=\"").Append(Percent(i, n, 0)).Append("\" x2=\"").Append(Percent(i, n, 0))
                .Append("\" y1=\"").Append(PlotTop - 20).Append("\" y2=\"").Append(ChartHeight).Append("\"/>");
        }

        html.Append("<svg class=\"lines\" width=\"100%\" height=\"").Append(ChartHeight).Append("\" viewBox=\"0 0 ")
            .Append(n * ColumnUnits).Append(' ').Append(ChartHeight).Append("\" preserveAspectRatio=\"none\">");
        foreach (var s in series)
        {
            foreach (var run in s.Runs().Where(r => r.Count > 1))
            {
                html.Append("<polyline class=\"line ").Append(s.Kind).Append("\" vector-effect=\"non-scaling-stroke\" points=\"")
                    .AppendJoin(' ', run.Select(p => $"{F((p.Stage * ColumnUnits) + (ColumnUnits / 2.0))},{F(Y(scale, p.Score))}"))
                    .Append("\"/>");
            }
        }

        html.Append("</svg>");
        foreach (var s in series)
        {
            for (var i = 0; i < n; i++)
            {
                if (s.Scores[i] is not { } score)
                {
                    continue;
                }

                var x = Percent(i, n, 0.5);
                var y = Y(scale, score);
                html.Append("<circle class=\"pt ").Append(s.Kind).Append("\" cx=\"").Append(x).Append("\" cy=\"").Append(F(y))
                    .Append("\" r=\"").Append(s.Kind == "designed" ? 6 : 4.5).Append("\"><title>").Append(s.Label).Append(": ")
                    .Append(Num(score)).Append("</title></circle>");
                if (s.Kind == "designed")
                {
                    var feelings = journey.Stages[i].Emotion?.Feelings ?? [];
                    var label = feelings.Count == 0 ? Num(score) : $"{Num(score)} · {TextWrap.Truncate(string.Join(", ", feelings), 30)}";
                    html.Append("<text class=\"pt-label\" x=\"").Append(x).Append("\" y=\"").Append(F(EmotionSeries.LabelCrowded(series, i, v => Y(scale, v), 28) ? y + 22 : y - 13))
                        .Append("\" text-anchor=\"middle\">").Append(E(label)).Append("</text>");
                }
                else
                {
                    html.Append("<text class=\"pt-label minor ").Append(s.Kind).Append("\" x=\"").Append(x).Append("\" dx=\"10\" y=\"")
                        .Append(F(y + 4)).Append("\">").Append(Num(score)).Append("</text>");
                }
            }
        }

        html.Append("</svg>");
    }

    private static string Percent(int i, int n, double offset) =>
        F((i + offset) * 100.0 / n) + "%";

    private static string F(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
