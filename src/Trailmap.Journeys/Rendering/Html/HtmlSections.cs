using System.Text;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using static Trailmap.Journeys.Rendering.Html;

namespace Trailmap.Journeys.Rendering;

/// <summary>The parts below the map: moments of truth, milestones, critical touchpoints, journey metrics and automation.</summary>
internal static class HtmlSections
{
    public static void Write(StringBuilder html, Journey journey, JourneyActuals? actuals, InteractiveMap links)
    {
        var stageNames = journey.Stages.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First().Name);
        string StageName(string? id) => id is null ? "" : stageNames.GetValueOrDefault(id, id);

        var hasMoments = journey.MomentsOfTruth.Count > 0;
        var hasTimeline = journey.Milestones.Count > 0 || journey.CriticalTouchpoints.Count > 0;
        if (hasMoments || hasTimeline)
        {
            html.Append("<div class=\"section-row\">\n");
            Moments(html, journey, actuals, StageName);
            Milestones(html, journey, StageName);
            Critical(html, journey);
            html.Append("</div>\n");
        }

        Metrics(html, journey, actuals, links);
        Structure(html, journey);
        if (journey.Interventions.Count > 0 || journey.Sequences.Count > 0)
        {
            html.Append("<div class=\"section-row\">\n");
            Interventions(html, journey, StageName, actuals);
            Sequences(html, journey, StageName, actuals);
            html.Append("</div>\n");
        }
    }

    /// <summary>Touchpoints in detail, triggers, programs, activation paths, cohort targets and the roadmap, as cards.</summary>
    private static void Structure(StringBuilder html, Journey journey)
    {
        foreach (var section in StructureCards.Build(journey))
        {
            Open(html, "structure " + section.Css, section.Title);
            html.Append("<div class=\"card-grid\">\n");
            foreach (var card in section.Cards)
            {
                html.Append("<article class=\"card structure-card\" data-id=\"").Append(E(card.Id)).Append("\">\n<h3>").Append(E(card.Title)).Append("</h3>\n<dl class=\"kv\">");
                foreach (var row in card.Rows)
                {
                    if (row.Link)
                    {
                        // The URL was checked when the file was read: http, https or a relative path, never script.
                        html.Append("<div><dt>").Append(row.Label).Append("</dt><dd><a href=\"").Append(E(row.Value)).Append("\" rel=\"noopener noreferrer\">")
                            .Append(E(row.Value)).Append("</a></dd></div>");
                    }
                    else
                    {
                        Row(html, row.Label, row.Value);
                    }
                }

                html.Append("</dl>\n</article>\n");
            }

            html.Append("</div>\n</section>\n");
        }
    }

    private static void Open(StringBuilder html, string css, string title) =>
        html.Append("<section class=\"section panel ").Append(css).Append("\">\n<h2>").Append(title).Append("</h2>\n");

    private static void Moments(StringBuilder html, Journey journey, JourneyActuals? actuals, Func<string?, string> stageName)
    {
        if (journey.MomentsOfTruth.Count == 0)
        {
            return;
        }

        Open(html, "moments", "Moments of truth");
        foreach (var m in journey.MomentsOfTruth)
        {
            html.Append("<article class=\"card moment-card\" data-moment=\"").Append(E(m.Id)).Append("\">\n<h3>").Append(E(m.Name)).Append("</h3>\n<dl class=\"kv\">");
            Row(html, "Stage", m.Stage is null ? null : stageName(m.Stage));
            Row(html, "When", m.Condition?.ToString(), code: true);
            Row(html, "Deadline", m.Deadline?.Text);
            Row(html, "Impact", m.Impact);
            Row(html, "Action", m.Action);
            Row(html, "KPI", m.Kpi is null ? null : journey.AllMetrics().FirstOrDefault(k => k.Id == m.Kpi)?.Name ?? m.Kpi);
            if (actuals?.ForMoment(m.Id) is { HitRate: { } hit } measured)
            {
                var customers = measured.Customers is { } c ? $" of {Count(c)} customers" : "";
                Row(html, "Hit rate", $"{Target.FormatValue(hit, TargetUnit.Percent)}{customers}");
            }

            html.Append("</dl>\n</article>\n");
        }

        html.Append("</section>\n");
    }

    private static void Milestones(StringBuilder html, Journey journey, Func<string?, string> stageName)
    {
        if (journey.Milestones.Count == 0)
        {
            return;
        }

        Open(html, "milestones", "Milestones");
        html.Append("<ol class=\"timeline\">\n");
        var ordered = journey.Milestones.Select((m, i) => (m, i))
            .OrderBy(x => x.m.Offset?.ApproximateDays ?? double.MaxValue).ThenBy(x => x.i).Select(x => x.m);
        foreach (var m in ordered)
        {
            html.Append("<li data-milestone=\"").Append(E(m.Id)).Append("\"><span class=\"at\">").Append(E(m.At)).Append("</span><span class=\"what\">")
                .Append(E(m.Name)).Append("</span>");
            if (m.Stage is not null)
            {
                html.Append("<span class=\"chip stage-chip\">").Append(E(stageName(m.Stage))).Append("</span>");
            }

            if (m.Description is { } d)
            {
                html.Append("<span class=\"desc\">").Append(E(d)).Append("</span>");
            }

            html.Append("</li>\n");
        }

        html.Append("</ol>\n</section>\n");
    }

    private static void Critical(StringBuilder html, Journey journey)
    {
        if (journey.CriticalTouchpoints.Count == 0)
        {
            return;
        }

        var names = journey.AllTouchpoints().GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First().Name);
        Open(html, "critical", "Critical touchpoints");
        html.Append("<ol class=\"ranked\">\n");
        foreach (var c in journey.CriticalTouchpoints.OrderBy(c => c.Rank))
        {
            html.Append("<li><span class=\"rank\">").Append(c.Rank).Append("</span><span class=\"what\">")
                .Append(E(names.GetValueOrDefault(c.Touchpoint, c.Touchpoint))).Append("</span>");
            if (c.Why is { } why)
            {
                html.Append("<span class=\"desc\">").Append(E(why)).Append("</span>");
            }

            html.Append("</li>\n");
        }

        html.Append("</ol>\n</section>\n");
    }

    private static void Metrics(StringBuilder html, Journey journey, JourneyActuals? actuals, InteractiveMap links)
    {
        if (journey.Metrics.Count == 0)
        {
            return;
        }

        html.Append("<section class=\"section metrics\">\n<h2>Journey metrics</h2>\n<div class=\"metric-grid\">\n");
        foreach (var metric in journey.Metrics)
        {
            html.Append("<article class=\"card metric-card\">");
            HtmlMap.KpiBadge(html, KpiReading.For(metric, actuals), null, links, links.KpiLink(metric));
            html.Append("<p class=\"metric-type\">").Append(Kebab(metric.Type)).Append("</p>");
            if (metric.Description is { } d)
            {
                html.Append("<p class=\"desc\">").Append(E(d)).Append("</p>");
            }

            html.Append("</article>\n");
        }

        html.Append("</div>\n</section>\n");
    }

    private static void Interventions(StringBuilder html, Journey journey, Func<string?, string> stageName, JourneyActuals? actuals)
    {
        if (journey.Interventions.Count == 0)
        {
            return;
        }

        Open(html, "interventions", "Interventions");
        foreach (var i in journey.Interventions)
        {
            html.Append("<article class=\"card rule\" data-intervention=\"").Append(E(i.Id)).Append("\">\n<h3>").Append(E(i.Name)).Append("</h3>\n");
            html.Append("<p class=\"when-then\"><span class=\"k\">When</span> <code>").Append(E(i.When.ToString())).Append("</code> ")
                .Append("<span class=\"arrow\" aria-hidden=\"true\">→</span> <span class=\"k\">then</span> ").Append(E(i.Then.ToString())).Append("</p>\n<dl class=\"kv\">");
            Row(html, "Stage", i.Stage is null ? null : stageName(i.Stage));
            Row(html, "Goal", i.Goal?.ToString(), code: true);
            Row(html, "Holdout", i.Holdout is { } h ? Target.FormatValue(h, TargetUnit.Percent) : null);
            Row(html, "Lift", actuals?.ForIntervention(i.Id)?.Summary());
            html.Append("</dl>\n</article>\n");
        }

        html.Append("</section>\n");
    }

    private static void Sequences(StringBuilder html, Journey journey, Func<string?, string> stageName, JourneyActuals? actuals)
    {
        if (journey.Sequences.Count == 0)
        {
            return;
        }

        Open(html, "sequences", "Sequences");
        foreach (var s in journey.Sequences)
        {
            html.Append("<article class=\"card rule\" data-sequence=\"").Append(E(s.Id)).Append("\">\n<h3>").Append(E(s.Name)).Append("</h3>\n<dl class=\"kv\">");
            Row(html, "Stage", s.Stage is null ? null : stageName(s.Stage));
            Row(html, "Trigger", s.Trigger.ToString(), code: true);
            Row(html, "Exit", s.Exit?.ToString(), code: true);
            Row(html, "Re-entry", Kebab(s.Reentry));
            Row(html, "Holdout", s.Holdout is { } h ? Target.FormatValue(h, TargetUnit.Percent) : null);
            Row(html, "Lift", actuals?.ForIntervention(s.Id)?.Summary());
            html.Append("</dl>\n<ol class=\"steps\">");
            foreach (var step in s.Steps.OrderBy(st => st.Offset))
            {
                html.Append("<li><span class=\"day\">").Append(E(step.When)).Append("</span><span class=\"what\">").Append(E(step.Then.ToString())).Append("</span></li>");
            }

            html.Append("</ol>\n</article>\n");
        }

        html.Append("</section>\n");
    }

    private static void Row(StringBuilder html, string key, string? value, bool code = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        html.Append("<div><dt>").Append(key).Append("</dt><dd>").Append(code ? "<code>" : "").Append(E(value)).Append(code ? "</code>" : "").Append("</dd></div>");
    }
}
