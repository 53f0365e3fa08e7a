using System.Globalization;
using System.Security;
using System.Text;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// Renders a journey as one standalone SVG: stage columns, lanes as rows, the emotion curves and KPI badges.
/// SVG has no text layout, so text is wrapped by character count against a conservative average glyph width
/// and cut with an ellipsis; a cell's row grows to fit its lines, up to a cap, so text never leaves its cell.
/// </summary>
public static class SvgRenderer
{
    /// <summary>The SVG for <paramref name="journey"/>; with <paramref name="actuals"/> it shows measured numbers beside targets.</summary>
    public static string Render(Journey journey, JourneyActuals? actuals = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        return new SvgMap(journey, actuals).Render();
    }
}

/// <summary>The layout and drawing of <see cref="SvgRenderer"/>; every coordinate derives from the constants below.</summary>
internal sealed class SvgMap(Journey journey, JourneyActuals? actuals)
{
    public const int Margin = 24;
    public const int TitleHeight = 72;
    public const int LabelWidth = 132;
    public const int ColumnWidth = 232;
    /// <summary>The stage header's height when its goal takes two lines and it has no description.</summary>
    public const int StageHeaderHeight = 112;
    private const int HeaderLineHeight = 15;
    private const int HeaderTextChars = 31;
    public const int EmotionLaneHeight = 150;
    /// <summary>Distance from the emotion lane's top to the line of the scale's maximum.</summary>
    public const int PlotTopOffset = 34;
    /// <summary>Vertical distance between the scale's maximum and its minimum.</summary>
    public const int PlotHeight = 96;
    public const int LineHeight = 16;
    public const int CellPadding = 10;
    public const int ItemGap = 6;
    public const int MinLaneHeight = 44;
    public const int MaxLinesPerCell = 14;
    private const double CharWidth = 6.6;      // average glyph width of 12px sans-serif text, rounded up
    private const double SmallCharWidth = 6.0; // the same for 11px
    private const int BadgePadding = 7;

    private sealed record Block(string Text, string Css, int MaxLines = 3);

    private sealed record Item(IReadOnlyList<Block> Blocks, string? Marker = null, string? Badge = null);

    private sealed record LaidOutItem(IReadOnlyList<(string Text, string Css)> Lines, string? Marker, string? Badge)
    {
        public int Height => (Lines.Count * LineHeight) + (Badge is null ? 0 : 2 * BadgePadding - 4);
    }

    private readonly StringBuilder svg = new();
    private int headerHeight = StageHeaderHeight;
    private readonly EmotionScale scale = journey.EmotionScale;

    /// <summary>Touchpoints written with 'stages': each drawn once across its columns, in a lane of its own.</summary>
    private readonly IReadOnlyList<TouchpointSpan> spans = TouchpointSpans.For(journey);
    private readonly HashSet<string> spanning = [.. TouchpointSpans.For(journey).Select(s => s.Touchpoint.Id)];

    /// <summary>One spanning touchpoint: a box with its name and one meta line, and the gap to the next.</summary>
    private const int SpanRowHeight = (2 * LineHeight) + 10 + ItemGap;

    private int Columns => Math.Max(journey.Stages.Count, 1);

    public static double StageCentre(int index) => Margin + LabelWidth + (index * ColumnWidth) + (ColumnWidth / 2.0);

    public string Render()
    {
        var lanes = Lanes().Select(l => (l.Name, l.Label, Cells: journey.Stages.Select(l.Items).Select(Layout).ToList()))
            .Where(l => l.Cells.Any(c => c.Count > 0))
            .ToList();
        var series = EmotionSeries.For(journey, actuals);
        var hasEmotion = series.Count > 0 || journey.Stages.Any(s => s.Emotion?.Feelings.Count > 0);

        // The emotion lane follows thoughts and motivations (the order of the HTML page); it has a fixed height for the curve.
        const string Emotion = "emotion";
        var order = lanes.Select(l => l.Name).ToList();
        if (hasEmotion)
        {
            var after = order.FindLastIndex(n => n is "touchpoints" or "actions" or "thoughts" or "motivations");
            order.Insert(after + 1, Emotion);
        }

        const string Spans = "spans";
        if (spans.Count > 0)
        {
            order.Insert(order.IndexOf("touchpoints") + 1, Spans);
        }

        var spansTop = -1;
        var spansHeight = (2 * CellPadding) + (spans.Count * SpanRowHeight) - ItemGap;

        var mapTop = Margin + TitleHeight;
        headerHeight = journey.Stages.Count == 0 ? StageHeaderHeight
            : Math.Max(StageHeaderHeight, 66 + (HeaderLineHeight * (journey.Stages.Max(s => HeaderLines(s).Count) - 1)) + 17 + 14);
        var feelingLines = journey.Stages.Count == 0 ? 0 : journey.Stages.Max(s => FeelingLines(s).Count);
        var emotionHeight = EmotionLaneHeight + (feelingLines * LineHeight);
        var y = mapTop + headerHeight;
        var emotionTop = -1;
        var placed = new List<(string Name, string Label, List<List<LaidOutItem>> Cells, int Top, int Height)>();
        foreach (var name in order)
        {
            if (name == Emotion)
            {
                emotionTop = y;
                y += emotionHeight;
                continue;
            }

            if (name == Spans)
            {
                spansTop = y;
                y += spansHeight;
                continue;
            }

            var lane = lanes.First(l => l.Name == name);
            var laneHeight = Math.Max(MinLaneHeight, lane.Cells.Max(CellHeight));
            placed.Add((lane.Name, lane.Label, lane.Cells, y, laneHeight));
            y += laneHeight;
        }

        var legendTop = y + 20;
        var width = (2 * Margin) + LabelWidth + (Columns * ColumnWidth);
        var legend = LegendItems(series, width);
        IReadOnlyList<CardSection> cards = [.. PersonaCards.Build(journey), .. StructureCards.Build(journey)];
        var legendBottom = legendTop + (legend.Count == 0 ? 0 : legend.Max(l => l.Row) * LegendRowHeight) + 12;
        var cardsTop = legendBottom + 24;
        var height = legendBottom + (cards.Count == 0 ? 0 : 24 + SvgCards.Place(cards, Margin, cardsTop, width, svg: null)) + Margin;

        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" role=\"img\" aria-label=\"")
            .Append(X(journey.Title)).Append("\">\n");
        svg.Append("<title>").Append(X(journey.Title)).Append("</title>\n<style>").Append(Css).Append(cards.Count > 0 ? SvgCards.Css : "").Append("</style>\n");
        svg.Append("<rect class=\"page\" x=\"0\" y=\"0\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\"/>\n");
        Title(width);
        foreach (var lane in placed)
        {
            LaneBand(lane.Label, lane.Top, lane.Height, width, lane.Name);
            for (var i = 0; i < lane.Cells.Count; i++)
            {
                Cell(lane.Cells[i], i, lane.Top);
            }
        }

        if (spansTop >= 0)
        {
            SpanLane(spansTop, spansHeight, width);
        }

        if (emotionTop >= 0)
        {
            LaneBand("Emotion", emotionTop, emotionHeight, width, Emotion);
            EmotionCurves(series, emotionTop);
            Feelings(emotionTop + EmotionLaneHeight);
        }

        StageHeaders(mapTop);
        Legend(legend, legendTop);
        SvgCards.Place(cards, Margin, cardsTop, width, svg);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private IEnumerable<(string Name, string Label, Func<Stage, IReadOnlyList<Item>> Items)> Lanes()
    {
        var personas = journey.Personas.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => Html.ShortName(g.First().Name));
        yield return ("touchpoints", "Touchpoints", s => s.Touchpoints.Where(t => !spanning.Contains(t.Id)).Select(t => new Item(
            [new(t.Name, "txt"), new(Join(t.Channel, t.Layer == TouchpointLayer.Backstage ? "backstage" : "frontstage", t.Owner, Recurs(t.Cadence), Timed(t.Timing), JourneyGrid.ShareOf(t.Share),
                For(t.Personas, personas)), "meta", 2)],
            Marker: t.Layer == TouchpointLayer.Backstage ? "backstage" : "frontstage")).ToList());
        yield return ("actions", "Actions", s => s.Actions.Select(a => new Item(
            [new(a.Name, "txt"), new(Join(a.Score is { } sc ? $"score {Html.Num(sc)}/{scale.Max}" : null,
                string.Join(", ", a.Personas.Select(p => personas.GetValueOrDefault(p, p))), Recurs(a.Cadence), Timed(a.Timing)), "meta", 2)],
            Marker: a.Score is { } score ? "score-" + HtmlMap.ScoreBand(scale, score) : null)).ToList());
        yield return ("thoughts", "Thoughts", s => s.Thoughts.Select(t => new Item([new($"“{t}”", "thought", 4)])).ToList());
        yield return ("motivations", "Motivations", s => s.Motivations.Select(m => new Item([new(m, "txt", 4)], Marker: "motivation")).ToList());
        yield return ("pain-points", "Pain points", s => s.PainPoints.Select(p => new Item(
            [new(p.Text, "txt", 4), new(Join(p.Severity is { } sev ? $"{Html.Kebab(sev)} severity" : "severity unrated", For(p.Personas, personas)), "meta", 2)],
            Marker: "sev-" + (p.Severity is { } v ? Html.Kebab(v) : "unrated"))).ToList());
        yield return ("opportunities", "Opportunities", s => s.Opportunities.Select(o => new Item(
            [new(o.Text, "txt", 4), new(Join(o.Type is { } t ? Html.Kebab(t) : null, o.Kind is { } kind ? Html.Kebab(kind) : null, o.Priority is { } p ? $"{Html.Kebab(p)} priority" : null,
                o.Status is { } st ? Html.Kebab(st).Replace('-', ' ') : null, o.Owner), "meta", 2)],
            Marker: "opportunity")).ToList());
        yield return ("kpis", "KPIs", s => s.Kpis.Select(k =>
        {
            var reading = KpiReading.For(k, actuals);
            return new Item([new(k.Name, "kpi-name", 2), new(Join(reading.Value, reading.StatusWord), "kpi-value", 2)], Badge: reading.CssClass);
        }).ToList());
        yield return ("moments", "Moments of truth", s => journey.MomentsOfTruth.Where(m => m.Stage == s.Id).Select(m => new Item(
            [new(m.Name, "moment", 2), new(Join(m.Deadline?.Text, actuals?.ForMoment(m.Id)?.HitRate is { } hit ? $"hit rate {Target.FormatValue(hit, TargetUnit.Percent)}" : null), "meta", 2),
             new(m.Impact ?? "", "meta", 3)], Badge: "moment")).ToList());
        // As on the HTML map: drawn only when measurement sent lift, so a map without it renders exactly as before.
        if (actuals is { Interventions.Count: > 0 } measured)
        {
            yield return ("interventions", "Interventions", s => journey.Interventions.Where(i => i.Stage == s.Id).Select(i => (i.Id, i.Name, HasGoal: i.Goal is not null))
                .Concat(journey.Sequences.Where(q => q.Stage == s.Id).Select(q => (q.Id, q.Name, HasGoal: q.Exit is not null)))
                .Select(r => new Item(
                    [new(r.Name, "txt", 2), new(measured.ForIntervention(r.Id) is { } lift ? lift.Summary() : r.HasGoal ? "not measured" : "no goal, so no lift measured", "meta", 5)],
                    Badge: "target")).ToList());
        }

        // Drawn only when a stage describes its ideal state, so a map without one renders exactly as before.
        if (journey.Stages.Any(s => s.Ideal is { Description: not null } or { CriticalElements.Count: > 0 }))
        {
            yield return ("ideal", "Ideal", s => (s.Ideal?.Description is { } d ? [new Item([new(d, "txt", 4)])] : new List<Item>())
                .Concat((s.Ideal?.CriticalElements ?? []).Select(e => new Item([new($"✓ {e}", "txt", 3)]))).ToList());
        }

        yield return ("entry", "Entry", s => s.Entry is { } e ? [new Item([new(e.ToString(), "code", 3)])] : []);
    }

    /// <summary>The lane of touchpoints that span stages: one box a row, from its first stage's column to its last's.</summary>
    private void SpanLane(int top, int height, int width)
    {
        LaneBand("Across stages", top, height, width, "spans");
        for (var r = 0; r < spans.Count; r++)
        {
            var (t, first, last) = (spans[r].Touchpoint, spans[r].First, spans[r].Last);
            var x = Margin + LabelWidth + (first * ColumnWidth) + CellPadding;
            var w = ((last - first + 1) * ColumnWidth) - (2 * CellPadding);
            var y = top + CellPadding + (r * SpanRowHeight);
            var chars = (int)((w - 20) / CharWidth);
            svg.Append("<g class=\"span\" data-touchpoint=\"").Append(X(t.Id)).Append("\" data-first=\"").Append(X(spans[r].FirstStage))
                .Append("\" data-last=\"").Append(X(spans[r].LastStage)).Append("\">")
                .Append("<rect class=\"span-box\" x=\"").Append(x).Append("\" y=\"").Append(y).Append("\" width=\"").Append(w)
                .Append("\" height=\"").Append(SpanRowHeight - ItemGap).Append("\" rx=\"8\"/>")
                .Append("<text class=\"txt\" x=\"").Append(x + 10).Append("\" y=\"").Append(y + LineHeight + 1).Append("\">")
                .Append(X(TextWrap.Truncate(t.Name, chars))).Append("</text>")
                .Append("<text class=\"meta\" x=\"").Append(x + 10).Append("\" y=\"").Append(y + (2 * LineHeight) + 3).Append("\">")
                .Append(X(TextWrap.Truncate(Join(t.Channel, t.Layer == TouchpointLayer.Backstage ? "backstage" : "frontstage", t.Owner, Recurs(t.Cadence), Timed(t.Timing)), (int)((w - 20) / SmallCharWidth))))
                .Append("</text></g>\n");
        }
    }

    private static string? Recurs(string? cadence) => cadence is null ? null : $"↻ {cadence}";

    /// <summary>"for Sarah, Brian": the personas a touchpoint or pain point applies to, by short name.</summary>
    private static string? For(IReadOnlyList<string> ids, Dictionary<string, string> personas) =>
        ids.Count == 0 ? null : "for " + string.Join(", ", ids.Select(p => personas.GetValueOrDefault(p, p)));

    private static string? Timed(Timing? timing) => timing is null ? null : $"⏱ {timing.Text}";

    private static string Join(params string?[] parts) => string.Join(" · ", parts.Where(p => !string.IsNullOrWhiteSpace(p)));

    private static List<LaidOutItem> Layout(IReadOnlyList<Item> items)
    {
        var laid = new List<LaidOutItem>();
        var used = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var indent = item.Marker is null ? 0 : 12;
            var inner = ColumnWidth - (2 * CellPadding) - indent - (item.Badge is null ? 0 : 2 * BadgePadding);
            var lines = item.Blocks.Where(b => b.Text.Length > 0)
                .SelectMany(b => TextWrap.Wrap(b.Text, (int)(inner / (b.Css is "meta" or "kpi-name" ? SmallCharWidth : CharWidth)), b.MaxLines)
                    .Select(l => (l, b.Css)))
                .ToList();
            var remaining = items.Count - i - 1;
            // Keep a line free for "+ n more" whenever items would be left out.
            var budget = MaxLinesPerCell - used - (remaining > 0 ? 1 : 0);
            if (lines.Count > budget)
            {
                laid.Add(new LaidOutItem([($"+ {items.Count - i} more", "meta")], null, null));
                break;
            }

            laid.Add(new LaidOutItem(lines, item.Marker, item.Badge));
            used += lines.Count;
        }

        return laid;
    }

    private static int CellHeight(List<LaidOutItem> cell) =>
        cell.Count == 0 ? 0 : (2 * CellPadding) + cell.Sum(i => i.Height) + ((cell.Count - 1) * ItemGap);

    private void Title(int width)
    {
        var chars = (int)((width - (2 * Margin)) / 13.5); // 22px bold glyphs average about 13px
        svg.Append("<text class=\"title\" x=\"").Append(Margin).Append("\" y=\"").Append(Margin + 24).Append("\">")
            .Append(X(TextWrap.Truncate(journey.Title, chars))).Append("</text>\n");
        var sub = Join(journey.Description, journey.Owner is null ? null : $"owner {journey.Owner}",
            journey.Tags.Count == 0 ? null : string.Join(", ", journey.Tags.Select(t => "#" + t)));
        if (sub.Length > 0)
        {
            svg.Append("<text class=\"subtitle\" x=\"").Append(Margin).Append("\" y=\"").Append(Margin + 48).Append("\">")
                .Append(X(TextWrap.Truncate(sub, (int)((width - (2 * Margin)) / 7.2)))).Append("</text>\n");
        }
    }

    private void LaneBand(string label, int top, int height, int width, string name)
    {
        svg.Append("<g class=\"lane lane-").Append(name).Append("\">")
            .Append("<rect class=\"band\" x=\"").Append(Margin).Append("\" y=\"").Append(top).Append("\" width=\"").Append(width - (2 * Margin))
            .Append("\" height=\"").Append(height).Append("\"/>")
            .AppendJoin("", TextWrap.Wrap(label.ToUpperInvariant(), 15, 2).Select((l, i) =>
                $"<text class=\"lane-label\" x=\"{Margin + 12}\" y=\"{top + 22 + (i * 14)}\">{X(l)}</text>"))
            .Append("</g>\n");
        for (var i = 0; i <= Columns; i++)
        {
            var x = Margin + LabelWidth + (i * ColumnWidth);
            svg.Append("<line class=\"divider\" x1=\"").Append(x).Append("\" y1=\"").Append(top).Append("\" x2=\"").Append(x)
                .Append("\" y2=\"").Append(top + height).Append("\"/>\n");
        }
    }

    private void Cell(List<LaidOutItem> cell, int column, int top)
    {
        var x = Margin + LabelWidth + (column * ColumnWidth) + CellPadding;
        var y = top + CellPadding;
        foreach (var item in cell)
        {
            var textX = x + (item.Marker is null ? 0 : 12) + (item.Badge is null ? 0 : BadgePadding);
            var baseline = y + 12 + (item.Badge is null ? 0 : BadgePadding - 2);
            if (item.Badge is { } badge)
            {
                svg.Append("<rect class=\"badge ").Append(badge).Append("\" x=\"").Append(x).Append("\" y=\"").Append(y)
                    .Append("\" width=\"").Append(ColumnWidth - (2 * CellPadding)).Append("\" height=\"").Append(item.Height)
                    .Append("\" rx=\"6\"/>");
            }

            if (item.Marker is { } marker)
            {
                svg.Append("<circle class=\"marker ").Append(marker).Append("\" cx=\"").Append(x + 4).Append("\" cy=\"").Append(baseline - 4)
                    .Append("\" r=\"4\"/>");
            }

            foreach (var (text, css) in item.Lines)
            {
                svg.Append("<text class=\"").Append(css).Append("\" x=\"").Append(textX).Append("\" y=\"").Append(baseline).Append("\">")
                    .Append(X(text)).Append("</text>");
                baseline += LineHeight;
            }

            svg.Append('\n');
            y += item.Height + ItemGap;
        }
    }

    private void StageHeaders(int top)
    {
        svg.Append("<text class=\"lane-label\" x=\"").Append(Margin + 12).Append("\" y=\"").Append(top + 22).Append("\">STAGE</text>\n");
        for (var i = 0; i < journey.Stages.Count; i++)
        {
            var stage = journey.Stages[i];
            var x = Margin + LabelWidth + (i * ColumnWidth);
            var bottleneck = actuals?.Bottleneck is { } b && b == stage.Id;
            svg.Append("<g class=\"stage").Append(bottleneck ? " bottleneck" : "").Append("\" data-stage=\"").Append(X(stage.Id)).Append("\">")
                .Append("<rect class=\"stage-box\" x=\"").Append(x + 4).Append("\" y=\"").Append(top + 4).Append("\" width=\"").Append(ColumnWidth - 8)
                .Append("\" height=\"").Append(headerHeight - 8).Append("\" rx=\"10\"/>")
                .Append("<rect class=\"stage-accent\" x=\"").Append(x + 4).Append("\" y=\"").Append(top + 4).Append("\" width=\"").Append(ColumnWidth - 8)
                .Append("\" height=\"4\" rx=\"2\"/>");
            var tx = x + 16;
            var step = (i + 1).ToString("00", CultureInfo.InvariantCulture);
            // The bottleneck flag shares the top line, so the timeframe gets less room there.
            var topLine = stage.Timeframe is null ? step : $"{step} · {TextWrap.Truncate(stage.Timeframe, bottleneck ? 10 : 22)}";
            svg.Append("<text class=\"step\" x=\"").Append(tx).Append("\" y=\"").Append(top + 26).Append("\">").Append(X(topLine)).Append("</text>");
            if (bottleneck)
            {
                svg.Append("<text class=\"flag\" x=\"").Append(x + ColumnWidth - 16).Append("\" y=\"").Append(top + 26)
                    .Append("\" text-anchor=\"end\">▼ BOTTLENECK</text>");
            }

            svg.Append("<text class=\"stage-name\" x=\"").Append(tx).Append("\" y=\"").Append(top + 47).Append("\">")
                .Append(X(TextWrap.Truncate(stage.Name, 22))).Append("</text>");
            var lines = HeaderLines(stage);
            for (var l = 0; l < lines.Count; l++)
            {
                svg.Append("<text class=\"").Append(lines[l].Css).Append("\" x=\"").Append(tx).Append("\" y=\"").Append(top + 66 + (l * HeaderLineHeight)).Append("\">")
                    .Append(X(lines[l].Text)).Append("</text>");
            }

            if (actuals?.ForStage(stage.Id) is { } measured)
            {
                var funnel = measured.Conversion is { } c
                    ? $"{Html.Count(measured.Reached)} reached · {Target.FormatValue(c, TargetUnit.Percent)} conv."
                    : $"{Html.Count(measured.Reached)} reached";
                svg.Append("<text class=\"funnel\" x=\"").Append(tx).Append("\" y=\"").Append(top + headerHeight - 14).Append("\">")
                    .Append(X(TextWrap.Truncate(funnel, 28))).Append("</text>");
            }

            svg.Append("</g>\n");
        }
    }

    /// <summary>
    /// The header's text under the stage name: its goal (or mindset) in two lines, the customer's goal beside it in
    /// two, its description in up to four, then the time in the stage in up to two.
    /// </summary>
    private static List<(string Text, string Css)> HeaderLines(Stage stage) =>
        TextWrap.Wrap(string.Join("; ", stage.AllGoals()) is { Length: > 0 } goals ? goals : stage.Mindset ?? "", HeaderTextChars, 2 + stage.Goals.Count).Select(l => (l, "goal"))
            .Concat(TextWrap.Wrap(string.Join("; ", stage.AllCustomerGoals()) is { Length: > 0 } c ? $"Customer: {c}" : "", HeaderTextChars, 2 + stage.CustomerGoals.Count).Select(l => (l, "customer-goal")))
            .Concat(TextWrap.Wrap(stage.Description ?? "", HeaderTextChars, 4).Select(l => (l, "desc")))
            .Concat(TextWrap.Wrap(stage.Timing is { } t ? $"⏱ {t.Text}" : "", HeaderTextChars, 2).Select(l => (l, "desc")))
            .ToList();

    /// <summary>A stage's feelings as lines under the curve, so they show even where no score is written.</summary>
    private static IReadOnlyList<string> FeelingLines(Stage stage) =>
        stage.Emotion?.Feelings is { Count: > 0 } feelings
            ? TextWrap.Wrap(string.Join(", ", feelings), (int)((ColumnWidth - (2 * CellPadding)) / CharWidth), 2)
            : [];

    private void Feelings(int top)
    {
        for (var i = 0; i < journey.Stages.Count; i++)
        {
            var lines = FeelingLines(journey.Stages[i]);
            for (var l = 0; l < lines.Count; l++)
            {
                svg.Append("<text class=\"feelings\" x=\"").Append(Margin + LabelWidth + (i * ColumnWidth) + CellPadding).Append("\" y=\"")
                    .Append(top + (l * LineHeight)).Append("\">").Append(X(lines[l])).Append("</text>\n");
            }
        }
    }

    /// <summary>The y of a score in the emotion lane starting at <paramref name="laneTop"/>: maximum on top, minimum at the bottom.</summary>
    public double ScoreY(int laneTop, double score) =>
        laneTop + PlotTopOffset + ((1 - EmotionSeries.Height(scale, score)) * PlotHeight);

    private void EmotionCurves(IReadOnlyList<EmotionSeries> series, int laneTop)
    {
        var left = Margin + LabelWidth;
        var right = left + (Columns * ColumnWidth);
        for (var v = scale.Min; v <= scale.Max; v += scale.Max - scale.Min > 5 ? 3 : 1)
        {
            var gy = F(ScoreY(laneTop, v));
            svg.Append("<line class=\"grid").Append(v == scale.Min || v == scale.Max ? " edge" : "").Append("\" x1=\"").Append(left).Append("\" y1=\"").Append(gy).Append("\" x2=\"").Append(right)
                .Append("\" y2=\"").Append(gy).Append("\"/><text class=\"axis\" x=\"").Append(left - 8).Append("\" y=\"").Append(F(ScoreY(laneTop, v) + 4))
                .Append("\" text-anchor=\"end\">").Append(v).Append("</text>\n");
        }

        foreach (var s in series)
        {
            // A lone scored stage between gaps is only a point; its circle below marks it.
            foreach (var run in s.Runs().Where(r => r.Count > 1))
            {
                svg.Append("<polyline class=\"curve ").Append(s.Kind).Append("\" points=\"")
                    .AppendJoin(' ', run.Select(p => $"{F(StageCentre(p.Stage))},{F(ScoreY(laneTop, p.Score))}"))
                    .Append("\"/>\n");
            }
        }

        foreach (var s in series)
        {
            foreach (var run in s.Runs())
            {
                foreach (var (stage, score) in run)
                {
                    var cx = F(StageCentre(stage));
                    var cy = ScoreY(laneTop, score);
                    svg.Append("<circle class=\"pt ").Append(s.Kind).Append("\" cx=\"").Append(cx).Append("\" cy=\"").Append(F(cy))
                        .Append("\" r=\"").Append(s.Kind == "designed" ? "5" : "4").Append("\"/>");
                    if (s.Kind == "designed")
                    {
                        var label = Html.Num(score);
                        svg.Append("<text class=\"pt-label\" x=\"").Append(cx).Append("\" y=\"").Append(F(EmotionSeries.LabelCrowded(series, stage, v => ScoreY(laneTop, v), 24) ? cy + 19 : cy - 11))
                            .Append("\" text-anchor=\"middle\">")
                            .Append(X(TextWrap.Truncate(label, 30))).Append("</text>");
                    }
                    else
                    {
                        svg.Append("<text class=\"pt-label minor ").Append(s.Kind).Append("\" x=\"").Append(F(StageCentre(stage) + 9)).Append("\" y=\"")
                            .Append(F(cy + 4)).Append("\">").Append(Html.Num(score)).Append("</text>");
                    }

                    svg.Append('\n');
                }
            }
        }
    }

    private const int LegendItemWidth = 150;
    private const int LegendRowHeight = 22;

    /// <summary>Legend entries (a curve or a KPI status) placed left to right, wrapping to a new row at the map's width.</summary>
    private List<(string Kind, string Css, string Text, int X, int Row)> LegendItems(IReadOnlyList<EmotionSeries> series, int width)
    {
        var entries = series.Select(s => ("curve", s.Kind, $"{s.Label} emotion")).ToList();
        if (actuals is not null)
        {
            entries.AddRange(new[] { ("met", "met"), ("at-risk", "at risk"), ("missed", "missed"), ("no-data", "no data") }
                .Select(e => ("badge", e.Item1, $"KPI {e.Item2}")));
        }

        var perRow = Math.Max(1, (width - (2 * Margin)) / LegendItemWidth);
        return entries.Select((e, i) => (e.Item1, e.Item2, e.Item3, Margin + (i % perRow * LegendItemWidth), i / perRow)).ToList();
    }

    private void Legend(List<(string Kind, string Css, string Text, int X, int Row)> items, int top)
    {
        foreach (var (kind, css, text, x, row) in items)
        {
            var y = top + (row * LegendRowHeight);
            if (kind == "curve")
            {
                svg.Append("<line class=\"curve ").Append(css).Append("\" x1=\"").Append(x).Append("\" y1=\"").Append(y).Append("\" x2=\"").Append(x + 26)
                    .Append("\" y2=\"").Append(y).Append("\"/>");
            }
            else
            {
                svg.Append("<rect class=\"badge ").Append(css).Append("\" x=\"").Append(x + 6).Append("\" y=\"").Append(y - 7).Append("\" width=\"14\" height=\"14\" rx=\"3\"/>");
            }

            svg.Append("<text class=\"legend\" x=\"").Append(x + 32).Append("\" y=\"").Append(y + 4).Append("\">").Append(text).Append("</text>\n");
        }
    }

    private static string X(string? text) => SecurityElement.Escape(text ?? "");

    private static string F(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    // See HtmlStyles: an emoji-only face first, so emoji are drawn in colour rather than from the text font.
    private const string Css = """
@font-face { font-family: "Trailmap Emoji"; src: local("Noto Color Emoji"), local("Apple Color Emoji"), local("Segoe UI Emoji"); unicode-range: U+203C, U+2049, U+2122, U+2139, U+2194-21AA, U+231A-23FF, U+24C2, U+25AA-25FE, U+2600-27BF, U+2934-2935, U+2B05-2B55, U+3030, U+303D, U+3297, U+3299, U+1F000-1FAFF, U+FE0F, U+200D; }
text { font-family: "Trailmap Emoji", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", sans-serif; font-size: 12px; fill: #1e2433; }
.page { fill: #ffffff; }
.title { font-size: 22px; font-weight: 700; }
.subtitle { font-size: 13px; fill: #4a5468; }
.band { fill: #ffffff; stroke: #eef0f5; stroke-width: 1; }
.lane-emotion .band { fill: #f7f8fe; }
.lane-label { font-size: 11px; font-weight: 700; letter-spacing: .07em; fill: #4a5468; }
.divider { stroke: #eef0f5; stroke-width: 1; }
.stage-box { fill: #f5f6ff; stroke: #dfe2f5; stroke-width: 1; }
.stage-accent { fill: #4f5bd5; }
.bottleneck .stage-box { fill: #fff1f1; stroke: #b4232c; stroke-width: 2; }
.bottleneck .stage-accent { fill: #b4232c; }
.flag { font-size: 10px; font-weight: 700; fill: #b4232c; }
.step { font-size: 11px; font-weight: 700; fill: #4f5bd5; letter-spacing: .06em; }
.stage-name { font-size: 16px; font-weight: 700; }
.goal { font-size: 12px; fill: #4a5468; }
.desc { font-size: 12px; fill: #7a8499; }
.customer-goal { font-size: 12px; font-style: italic; fill: #1d6b50; }
.feelings { font-size: 12px; font-weight: 600; fill: #4a5468; }
.funnel { font-size: 12px; font-weight: 700; fill: #1e2433; }
.txt { font-weight: 500; }
.meta, .kpi-name { font-size: 11px; fill: #7a8499; }
.kpi-name { font-weight: 600; fill: #4a5468; }
.kpi-value { font-weight: 700; }
.thought { font-style: italic; fill: #4a5468; }
.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; fill: #3b4257; }
.moment { font-weight: 700; }
.marker { fill: #c9ced9; }
.marker.frontstage { fill: #1a9a8a; }
.marker.backstage { fill: #ffffff; stroke: #5a5680; stroke-width: 1.5; stroke-dasharray: 2 1.5; }
.marker.score-low, .marker.sev-high { fill: #b4232c; }
.marker.score-mid, .marker.sev-medium { fill: #e2a02b; }
.marker.score-high { fill: #177245; }
.marker.sev-low { fill: #9aa3b5; }
.marker.opportunity { fill: #1a9a8a; }
.marker.motivation { fill: #3a44a8; }
.span-box { fill: #f3f5ff; stroke: #c9cff5; stroke-width: 1; }
.badge { stroke-width: 1; }
.badge.target { fill: #f6f7fb; stroke: #e4e7ee; }
.badge.met { fill: #e3f5ea; stroke: #b6e2c6; }
.badge.at-risk { fill: #fdf1d8; stroke: #f1d59a; }
.badge.missed { fill: #fde7e8; stroke: #f4bcc0; }
.badge.no-data { fill: #eceef3; stroke: #d6dae3; }
.badge.moment { fill: #fff8ec; stroke: #f3dcb2; }
.grid { stroke: #e6e9f0; stroke-width: 1; }
.grid.edge { stroke: #d3d7e2; }
.axis { font-size: 10px; fill: #7a8499; }
.curve { fill: none; stroke-linejoin: round; stroke-linecap: round; }
.curve.designed { stroke: #4f5bd5; stroke-width: 3; }
.curve.ideal { stroke: #1a9a8a; stroke-width: 2; stroke-dasharray: 7 5; }
.curve.measured { stroke: #e0703a; stroke-width: 2.5; stroke-dasharray: 1 5; }
.curve.derived { stroke: #8a5cc7; stroke-width: 2.5; stroke-dasharray: 4 4; }
.pt { stroke: #ffffff; stroke-width: 2; }
.pt.designed { fill: #4f5bd5; }
.pt.ideal { fill: #ffffff; stroke: #1a9a8a; }
.pt.measured { fill: #e0703a; }
.pt.derived { fill: #ffffff; stroke: #8a5cc7; stroke-width: 2; }
.pt-label { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: #f7f8fe; stroke-width: 4px; stroke-linejoin: round; }
.pt-label.ideal { fill: #1a9a8a; }
.pt-label.measured { fill: #e0703a; }
.pt-label.derived { fill: #8a5cc7; }
.legend { font-size: 11px; fill: #4a5468; }
""";
}
