using System.Text;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using static Trailmap.Journeys.Rendering.Html;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// The map itself: a CSS grid with stages as columns and lanes as rows. Rows use <c>display: contents</c> so
/// every cell sits in the one grid and columns line up; each cell carries data-stage and data-lane for tests.
/// </summary>
internal static class HtmlMap
{
    private sealed record Lane(string Name, string Label, string Hint, Func<Stage, bool> HasContent, Action<StringBuilder, Stage> Cell);

    public static void Write(StringBuilder html, Journey journey, JourneyActuals? actuals, IReadOnlyList<(int Start, int Count)> blocks, bool print, InteractiveMap links)
    {
        html.Append("<section class=\"section map-section\" aria-labelledby=\"map-title\">\n")
            .Append("<h2 id=\"map-title\">The journey</h2>\n");
        if (journey.Stages.Count == 0)
        {
            html.Append("<p class=\"empty\">This journey has no stages yet.</p>\n</section>\n");
            return;
        }

        var spans = TouchpointSpans.For(journey);
        foreach (var (start, count) in blocks)
        {
            var part = count == journey.Stages.Count ? journey : journey with { Stages = journey.Stages.Skip(start).Take(count).ToList() };
            // In print every block is a .map-block, which the PDF export measures to fit each on one page.
            html.Append(print ? "<div class=\"map-scroll map-block\">\n" : "<div class=\"map-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Journey map (scrolls sideways)\">\n")
                .Append(blocks.Count == 1 ? "<div class=\"map\">\n" : "<div class=\"map cols-" + count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\">\n");
            Grid(html, part, actuals, start, spans, links);
            html.Append("</div>\n</div>\n");
        }

        html.Append("</section>\n");
    }

    private static void Grid(StringBuilder html, Journey journey, JourneyActuals? actuals, int firstStep, IReadOnlyList<TouchpointSpan> spans, InteractiveMap links)
    {
        StageRow(html, journey, actuals, firstStep, links);
        var spanning = spans.Select(s => s.Touchpoint.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var lane in Lanes(journey, actuals, spanning, links))
        {
            if (lane.Name == "spans")
            {
                Spans(html, journey, spans, firstStep, links);
                continue;
            }

            if (lane.Name == "emotion")
            {
                HtmlEmotionCurve.Write(html, journey, actuals);
                continue;
            }

            if (!journey.Stages.Any(lane.HasContent))
            {
                continue;
            }

            html.Append("<div class=\"lane lane-").Append(lane.Name).Append("\">\n")
                .Append("<div class=\"lane-label\"><span class=\"lane-name\">").Append(lane.Label)
                .Append("</span><span class=\"lane-hint\">").Append(lane.Hint).Append("</span></div>\n");
            foreach (var stage in journey.Stages)
            {
                OpenCell(html, stage, lane.Name);
                lane.Cell(html, stage);
                html.Append("</div>\n");
            }

            html.Append("</div>\n");
        }
    }

    public static void OpenCell(StringBuilder html, Stage stage, string lane, string extraClass = "") =>
        html.Append("<div class=\"cell").Append(extraClass).Append("\" data-stage=\"").Append(E(stage.Id))
            .Append("\" data-lane=\"").Append(lane).Append("\">");

    private static IEnumerable<Lane> Lanes(Journey journey, JourneyActuals? actuals, HashSet<string> spanning, InteractiveMap links)
    {
        var critical = journey.CriticalTouchpoints.GroupBy(c => c.Touchpoint).ToDictionary(g => g.Key, g => g.First());
        var personas = PersonaIndex(journey);
        yield return new("touchpoints", "Touchpoints", "Where we meet them", s => s.Touchpoints.Any(t => !spanning.Contains(t.Id)),
            (h, s) => Touchpoints(h, s, critical, spanning, links, personas));
        yield return new("spans", "", "", _ => true, (_, _) => { });
        yield return new("actions", "Actions", "What they do", s => s.Actions.Count > 0,
            (h, s) => Actions(h, s, journey.EmotionScale, personas));
        yield return new("thoughts", "Thoughts", "What they think", s => s.Thoughts.Count > 0, Thoughts);
        yield return new("motivations", "Motivations", "What pulls them forward", s => s.Motivations.Count > 0, Motivations);
        yield return new("emotion", "Emotion", "", _ => true, (_, _) => { });
        yield return new("pain-points", "Pain points", "What gets in the way", s => s.PainPoints.Count > 0, (h, s) => PainPoints(h, s, personas));
        yield return new("opportunities", "Opportunities", "What we will change", s => s.Opportunities.Count > 0, Opportunities);
        yield return new("kpis", "KPIs", actuals is null ? "Targets" : "Actual / target", s => s.Kpis.Count > 0,
            (h, s) => Kpis(h, s, actuals, links));
        yield return new("moments", "Moments of truth", "Decisive points", s => journey.MomentsOfTruth.Any(m => m.Stage == s.Id),
            (h, s) => Moments(h, journey.MomentsOfTruth.Where(m => m.Stage == s.Id), actuals, links));
        // Drawn only when measurement sent lift, so a map without it renders exactly as before.
        if (actuals is { Interventions.Count: > 0 })
        {
            yield return new("interventions", "Interventions", "Lift against the holdout", s => RulesOf(journey, s).Any(),
                (h, s) => Interventions(h, RulesOf(journey, s), actuals));
        }

        yield return new("entry", "Entry criterion", "Puts a customer here", s => s.Entry is not null, Entry);
    }

    private static void StageRow(StringBuilder html, Journey journey, JourneyActuals? actuals, int firstStep, InteractiveMap links)
    {
        html.Append("<div class=\"lane lane-stage\">\n<div class=\"lane-label\"><span class=\"lane-name\">Stage</span>")
            .Append("<span class=\"lane-hint\">").Append(actuals is null ? "Goal and mindset" : "Reached and converted")
            .Append("</span></div>\n");
        for (var i = 0; i < journey.Stages.Count; i++)
        {
            var stage = journey.Stages[i];
            var bottleneck = actuals?.Bottleneck is { } b && b == stage.Id;
            OpenCell(html, stage, "stage", bottleneck ? " stage-head bottleneck" : " stage-head");
            html.Append("<div class=\"stage-top\"><span class=\"step\">")
                .Append((firstStep + i + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture)).Append("</span>");
            if (stage.Timeframe is { } timeframe)
            {
                html.Append("<span class=\"timeframe\">").Append(E(timeframe)).Append("</span>");
            }

            if (stage.Timing is { } timing)
            {
                html.Append("<span class=\"timeframe timing\" title=\"Time in the stage\">⏱ ").Append(E(timing.Text)).Append("</span>");
            }

            html.Append("</div>\n<h3 class=\"stage-name\">");
            links.Text(html, links.StageLink(stage), stage.Name);
            html.Append("</h3>\n");
            if (bottleneck)
            {
                html.Append("<p class=\"flag bottleneck-flag\">Bottleneck</p>\n");
            }

            if (actuals?.ForStage(stage.Id) is { } measured)
            {
                html.Append("<dl class=\"funnel\"><div><dt>Reached</dt><dd>").Append(Count(measured.Reached)).Append("</dd></div>");
                if (measured.Conversion is { } conversion)
                {
                    html.Append("<div><dt>From previous</dt><dd>").Append(Target.FormatValue(conversion, TargetUnit.Percent)).Append("</dd></div>");
                }

                html.Append("</dl>\n");
            }

            foreach (var goal in stage.AllGoals())
            {
                html.Append("<p class=\"goal\"><span class=\"k\">Goal</span> ").Append(E(goal)).Append("</p>\n");
            }

            CustomerGoal(html, stage);

            if (stage.Description is { } description)
            {
                html.Append("<p class=\"stage-desc\">").Append(E(description)).Append("</p>\n");
            }

            if (stage.Mindset is { } mindset)
            {
                html.Append("<p class=\"mindset\">").Append(E(mindset)).Append("</p>\n");
            }

            if (stage.Ideal?.Description is { } ideal)
            {
                html.Append("<p class=\"ideal-note\"><span class=\"k\">Ideal</span> ").Append(E(ideal)).Append("</p>\n");
            }

            CriticalElements(html, stage.Ideal?.CriticalElements ?? []);

            html.Append("</div>\n");
        }

        html.Append("</div>\n");
    }

    /// <summary>Each persona by id, with its place in the list, which picks its badge's colour.</summary>
    private static Dictionary<string, (Persona Persona, int Index)> PersonaIndex(Journey journey) =>
        journey.Personas.Select((p, i) => (p, i)).GroupBy(x => x.p.Id).ToDictionary(g => g.Key, g => g.First());

    /// <summary>A badge per persona id: the short name, the full name as its title, coloured by the persona's place.</summary>
    private static void PersonaBadges(StringBuilder html, IReadOnlyList<string> ids, Dictionary<string, (Persona Persona, int Index)> personas)
    {
        foreach (var id in ids)
        {
            var (name, tone) = personas.TryGetValue(id, out var p) ? (p.Persona.Name, p.Index % HtmlStyles.Tones) : (id, 0);
            html.Append("<span class=\"persona-badge tone-").Append(tone).Append("\" title=\"").Append(E(name)).Append("\">")
                .Append(E(ShortName(name))).Append("</span>");
        }
    }

    private static void Touchpoints(StringBuilder html, Stage stage, Dictionary<string, CriticalTouchpoint> critical, HashSet<string> spanning, InteractiveMap links,
        Dictionary<string, (Persona Persona, int Index)> personas)
    {
        html.Append("<ul class=\"items\">");
        foreach (var t in stage.Touchpoints.Where(t => !spanning.Contains(t.Id)))
        {
            html.Append("<li class=\"item touchpoint ");
            TouchpointItem(html, t, critical, links.TouchpointLink(stage, t), links, personas);
            html.Append("</li>");
        }

        html.Append("</ul>");
    }

    /// <summary>
    /// The touchpoints that span stages, in a lane of their own: each drawn once across its columns. The lane is one
    /// cell over every stage column holding a grid of the same columns; gaps before and after a touchpoint keep it
    /// in its columns, one touchpoint a row. In a printed block only the block's part of a span is drawn.
    /// </summary>
    private static void Spans(StringBuilder html, Journey block, IReadOnlyList<TouchpointSpan> spans, int firstStep, InteractiveMap links)
    {
        var count = block.Stages.Count;
        var rows = spans.Select(s => (Span: s, Part: s.Within(firstStep, count))).Where(x => x.Part is not null).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var critical = block.CriticalTouchpoints.GroupBy(c => c.Touchpoint).ToDictionary(g => g.Key, g => g.First());
        html.Append("<div class=\"lane lane-spans\">\n<div class=\"lane-label\"><span class=\"lane-name\">Across stages</span>")
            .Append("<span class=\"lane-hint\">Touchpoints that span stages</span></div>\n")
            .Append("<div class=\"cell span-cell\" data-lane=\"spans\"><div class=\"spans cols-").Append(Num(count)).Append("\">");
        foreach (var (span, part) in rows)
        {
            var (from, width) = part!.Value;
            Gap(from);
            html.Append("<div class=\"item touchpoint spanning span-").Append(Num(width)).Append(' ');
            var home = block.Stages.FirstOrDefault(st => st.Touchpoints.Contains(span.Touchpoint));
            TouchpointItem(html, span.Touchpoint, critical, home is null ? null : links.TouchpointLink(home, span.Touchpoint), links, PersonaIndex(block),
                $" data-touchpoint=\"{E(span.Touchpoint.Id)}\" data-first=\"{E(span.FirstStage)}\" data-last=\"{E(span.LastStage)}\"");
            html.Append("</div>");
            Gap(count - from - width);
        }

        html.Append("</div></div>\n</div>\n");

        void Gap(int columns)
        {
            if (columns > 0)
            {
                html.Append("<div class=\"span-gap span-").Append(Num(columns)).Append("\" aria-hidden=\"true\"></div>");
            }
        }
    }

    /// <summary>A touchpoint's item from its layer class on: its title, chips and owner (the caller opens and closes the element).</summary>
    private static void TouchpointItem(StringBuilder html, Touchpoint t, Dictionary<string, CriticalTouchpoint> critical, string? href, InteractiveMap links,
        Dictionary<string, (Persona Persona, int Index)> personas, string attributes = "")
    {
        var layer = t.Layer == TouchpointLayer.Backstage ? "backstage" : "frontstage";
        html.Append(layer).Append('"').Append(attributes).Append("><span class=\"item-title\">");
        links.Text(html, href, t.Name);
        html.Append("</span><span class=\"chips\">");
        if (t.Channel is { } channel)
        {
            html.Append("<span class=\"chip channel\">").Append(E(channel)).Append("</span>");
        }

        html.Append("<span class=\"chip layer-").Append(layer).Append("\">").Append(layer).Append("</span>");
        CadenceChip(html, t.Cadence);
        TimingChip(html, t.Timing);
        if (JourneyGrid.ShareOf(t.Share) is { } share)
        {
            html.Append("<span class=\"chip share\">").Append(E(share)).Append("</span>");
        }

        if (critical.TryGetValue(t.Id, out var c))
        {
            html.Append("<span class=\"chip critical\" title=\"").Append(E(c.Why ?? "Critical touchpoint"))
                .Append("\">critical #").Append(c.Rank).Append("</span>");
        }

        PersonaBadges(html, t.Personas, personas);
        html.Append("</span>");
        if (t.Owner is { } owner)
        {
            html.Append("<span class=\"owner\">").Append(E(owner)).Append("</span>");
        }
    }

    private static void Actions(StringBuilder html, Stage stage, EmotionScale scale, Dictionary<string, (Persona Persona, int Index)> personas)
    {
        html.Append("<ul class=\"items\">");
        foreach (var a in stage.Actions)
        {
            html.Append("<li class=\"item action\"><span class=\"item-title\">").Append(E(a.Name)).Append("</span>");
            if (a.Score is not null || a.Personas.Count > 0 || a.Cadence is not null || a.Timing is not null)
            {
                html.Append("<span class=\"chips\">");
                CadenceChip(html, a.Cadence);
                TimingChip(html, a.Timing);
                if (a.Score is { } score)
                {
                    html.Append("<span class=\"score-pill ").Append(ScoreBand(scale, score)).Append("\" title=\"Score ")
                        .Append(Num(score)).Append(" on ").Append(E(scale.ToString())).Append("\">").Append(Num(score))
                        .Append("<small>/").Append(scale.Max).Append("</small></span>");
                }

                PersonaBadges(html, a.Personas, personas);

                html.Append("</span>");
            }

            html.Append("</li>");
        }

        html.Append("</ul>");
    }

    /// <summary>Low, middle or high third of the scale, for the colour of a score.</summary>
    public static string ScoreBand(EmotionScale scale, double score)
    {
        var h = EmotionSeries.Height(scale, score);
        return h < 1.0 / 3 ? "low" : h > 2.0 / 3 ? "high" : "mid";
    }

    private static void Thoughts(StringBuilder html, Stage stage)
    {
        foreach (var thought in stage.Thoughts)
        {
            html.Append("<p class=\"thought\">").Append(E(thought)).Append("</p>");
        }
    }

    /// <summary>What the customer wants in the stage, under the team's goal and marked apart from it.</summary>
    private static void CustomerGoal(StringBuilder html, Stage stage)
    {
        foreach (var goal in stage.AllCustomerGoals())
        {
            html.Append("<p class=\"goal customer-goal\"><span class=\"k\">Customer goal</span> ").Append(E(goal)).Append("</p>\n");
        }
    }

    private static void Motivations(StringBuilder html, Stage stage)
    {
        html.Append("<ul class=\"items\">");
        foreach (var motivation in stage.Motivations)
        {
            html.Append("<li class=\"item motivation\"><span class=\"item-title\">").Append(E(motivation)).Append("</span></li>");
        }

        html.Append("</ul>");
    }

    private static void CadenceChip(StringBuilder html, string? cadence)
    {
        if (cadence is not null)
        {
            html.Append("<span class=\"chip cadence\" title=\"Recurs ").Append(E(cadence)).Append("\">↻ ").Append(E(cadence)).Append("</span>");
        }
    }

    /// <summary>The ideal state's critical elements: a list under the ideal, each name in bold before its detail.</summary>
    private static void CriticalElements(StringBuilder html, IReadOnlyList<CriticalElement> elements)
    {
        if (elements.Count == 0)
        {
            return;
        }

        html.Append("<ul class=\"critical-elements\" aria-label=\"Critical elements of the ideal state\">");
        foreach (var e in elements)
        {
            html.Append("<li><span class=\"k\">").Append(E(e.Name)).Append("</span>");
            if (e.Detail is { } detail)
            {
                html.Append(' ').Append(E(detail));
            }

            html.Append("</li>");
        }

        html.Append("</ul>\n");
    }

    private static void TimingChip(StringBuilder html, Timing? timing)
    {
        if (timing is not null)
        {
            html.Append("<span class=\"chip timing\" title=\"Timing ").Append(E(timing.Text)).Append("\">⏱ ").Append(E(timing.Text)).Append("</span>");
        }
    }

    private static void PainPoints(StringBuilder html, Stage stage, Dictionary<string, (Persona Persona, int Index)> personas)
    {
        html.Append("<ul class=\"items\">");
        foreach (var p in stage.PainPoints)
        {
            var severity = p.Severity is { } s ? Kebab(s) : "unrated";
            html.Append("<li class=\"item pain sev-").Append(severity).Append("\">");
            html.Append("<span class=\"chip severity sev-").Append(severity).Append("\">")
                .Append(p.Severity is null ? "severity unrated" : severity).Append("</span>");
            html.Append("<span class=\"item-title\">").Append(E(p.Text)).Append("</span>");
            if (p.Personas.Count > 0)
            {
                html.Append("<span class=\"chips\">");
                PersonaBadges(html, p.Personas, personas);
                html.Append("</span>");
            }

            html.Append("</li>");
        }

        html.Append("</ul>");
    }

    private static void Opportunities(StringBuilder html, Stage stage)
    {
        html.Append("<ul class=\"items\">");
        foreach (var o in stage.Opportunities)
        {
            html.Append("<li class=\"item opportunity\"><span class=\"item-title\">").Append(E(o.Text)).Append("</span><span class=\"chips\">");
            if (o.Type is { } type)
            {
                html.Append("<span class=\"chip type\">").Append(Kebab(type)).Append("</span>");
            }

            if (o.Kind is { } kind)
            {
                html.Append("<span class=\"chip kind kind-").Append(Kebab(kind)).Append("\">").Append(Kebab(kind)).Append("</span>");
            }

            if (o.Priority is { } priority)
            {
                html.Append("<span class=\"chip priority prio-").Append(Kebab(priority)).Append("\">").Append(Kebab(priority)).Append(" priority</span>");
            }

            if (o.Status is { } status)
            {
                html.Append("<span class=\"chip status st-").Append(Kebab(status)).Append("\">").Append(Kebab(status).Replace('-', ' ')).Append("</span>");
            }

            html.Append("</span>");
            if (o.Owner is { } owner)
            {
                html.Append("<span class=\"owner\">").Append(E(owner)).Append("</span>");
            }

            html.Append("</li>");
        }

        html.Append("</ul>");
    }

    private static void Kpis(StringBuilder html, Stage stage, JourneyActuals? actuals, InteractiveMap links)
    {
        html.Append("<ul class=\"items\">");
        foreach (var kpi in stage.Kpis)
        {
            html.Append("<li class=\"item kpi\">");
            KpiBadge(html, KpiReading.For(kpi, actuals), stage.Ideal?.Targets.GetValueOrDefault(kpi.Id), links, links.KpiLink(kpi));
            html.Append("</li>");
        }

        html.Append("</ul>");
    }

    /// <summary>A KPI's name over its value, coloured by status and with the status in words.</summary>
    public static void KpiBadge(StringBuilder html, KpiReading reading, Target? ideal, InteractiveMap links, string? href)
    {
        html.Append("<div class=\"kpi-badge ").Append(reading.CssClass).Append("\" data-kpi=\"").Append(E(reading.Kpi.Id)).Append("\">")
            .Append("<span class=\"kpi-name\">");
        links.Text(html, href, reading.Kpi.Name);
        html.Append("</span><span class=\"kpi-value\">").Append(E(reading.Value)).Append("</span>");
        if (reading.StatusWord is { } word)
        {
            html.Append("<span class=\"kpi-status\">").Append(word).Append("</span>");
        }

        if (ideal is not null)
        {
            html.Append("<span class=\"kpi-ideal\">ideal ").Append(E(ideal.Text)).Append("</span>");
        }

        html.Append("</div>");
    }

    private static void Moments(StringBuilder html, IEnumerable<MomentOfTruth> moments, JourneyActuals? actuals, InteractiveMap links)
    {
        foreach (var m in moments)
        {
            html.Append("<div class=\"moment\"><span class=\"moment-name\">");
            links.Text(html, links.MomentLink(m), m.Name);
            html.Append("</span>");
            if (m.Deadline is { } deadline)
            {
                html.Append("<span class=\"deadline\">").Append(E(deadline.Text)).Append("</span>");
            }

            if (m.Impact is { } impact)
            {
                html.Append("<span class=\"impact\">").Append(E(impact)).Append("</span>");
            }

            if (actuals?.ForMoment(m.Id)?.HitRate is { } hit)
            {
                html.Append("<span class=\"hit-rate\"><b>").Append(Target.FormatValue(hit, TargetUnit.Percent)).Append("</b> hit the deadline</span>");
            }

            html.Append("</div>");
        }
    }

    /// <summary>The interventions and sequences placed on <paramref name="stage"/>, in file order.</summary>
    private static IEnumerable<(string Id, string Name, bool HasGoal)> RulesOf(Journey journey, Stage stage) =>
        journey.Interventions.Where(i => i.Stage == stage.Id).Select(i => (i.Id, i.Name, i.Goal is not null))
            .Concat(journey.Sequences.Where(q => q.Stage == stage.Id).Select(q => (q.Id, q.Name, q.Exit is not null)));

    private static void Interventions(StringBuilder html, IEnumerable<(string Id, string Name, bool HasGoal)> rules, JourneyActuals actuals)
    {
        foreach (var (id, name, hasGoal) in rules)
        {
            html.Append("<div class=\"rule-lift\" data-rule=\"").Append(E(id)).Append("\"><span class=\"rule-name\">").Append(E(name)).Append("</span>");
            html.Append("<span class=\"lift\">")
                .Append(actuals.ForIntervention(id) is { } measured ? E(measured.Summary()) : hasGoal ? "not measured" : "no goal, so no lift measured")
                .Append("</span></div>");
        }
    }

    private static void Entry(StringBuilder html, Stage stage)
    {
        if (stage.Entry is { } entry)
        {
            html.Append("<code class=\"entry\">").Append(E(entry.Event)).Append("</code>");
            if (entry.Where is { } where)
            {
                html.Append(" <span class=\"where\">where <code>").Append(E(where.ToString())).Append("</code></span>");
            }
        }
    }
}
