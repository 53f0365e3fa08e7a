using System.Globalization;
using System.Text;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Writing;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// The journey as GitHub-flavoured Markdown for READMEs and pull requests. The map is one table with
/// lanes as rows and stages as columns, the way a journey map is drawn, so a reader scans a stage top to
/// bottom. Every piece of journey text goes through <see cref="MarkdownText.Escape"/>.
/// </summary>
public static class MarkdownRenderer
{
    public static string Render(Journey journey, JourneyActuals? actuals = null)
    {
        var md = new StringBuilder();
        Header(md, journey, actuals);
        Personas(md, journey);
        Map(md, journey, actuals);
        Kpis(md, journey, actuals);
        Moments(md, journey, actuals);
        Milestones(md, journey);
        CriticalTouchpoints(md, journey);
        Structure(md, journey);
        Interventions(md, journey, actuals);
        Sequences(md, journey, actuals);
        return md.ToString();
    }

    private static string E(string? text) => MarkdownText.Escape(text);

    private static void Header(StringBuilder md, Journey j, JourneyActuals? actuals)
    {
        md.Append("# ").Append(E(j.Title)).Append("\n\n");
        if (!string.IsNullOrWhiteSpace(j.Description))
        {
            md.Append(E(j.Description)).Append("\n\n");
        }

        md.Append("- **Id:** ").Append(E(j.Id)).Append('\n');
        if (j.Owner is not null)
        {
            md.Append("- **Owner:** ").Append(E(j.Owner)).Append('\n');
        }

        if (j.Tags.Count > 0)
        {
            md.Append("- **Tags:** ").AppendJoin(", ", j.Tags.Select(E)).Append('\n');
        }

        md.Append("- **Emotion scale:** ").Append(E(j.EmotionScale.ToString())).Append('\n');
        if (j.Window is { } window)
        {
            md.Append("- **Conversion window:** ").Append(E(window.Text)).Append('\n');
        }

        if (actuals is not null)
        {
            var measured = new List<string>();
            if (actuals.Customers is { } customers)
            {
                measured.Add($"{customers.ToString(CultureInfo.InvariantCulture)} customers");
            }

            if (actuals.From is { } from && actuals.To is { } to)
            {
                measured.Add($"{Day(from)} to {Day(to)}");
            }

            if (actuals.Bottleneck is { } bottleneck)
            {
                measured.Add($"bottleneck: {StageName(j, bottleneck)}");
            }

            md.Append("- **Measured:** ").Append(measured.Count == 0 ? "yes" : string.Join("; ", measured.Select(E))).Append('\n');
        }

        md.Append('\n');
    }

    private static void Personas(StringBuilder md, Journey j)
    {
        if (j.Personas.Count == 0)
        {
            return;
        }

        md.Append("## Personas\n\n");
        foreach (var p in j.Personas)
        {
            md.Append("### ").Append(E(p.Name)).Append("\n\n");
            foreach (var quote in p.AllQuotes())
            {
                md.Append("> ").Append(E(quote)).Append("\n\n");
            }

            // Every other field, as the SVG and CSV cards show it; the quotes are above.
            foreach (var (label, value) in PersonaCards.Rows(p).Where(r => r.Label != "Quotes"))
            {
                md.Append("- **").Append(label).Append(":** ").Append(E(value)).Append('\n');
            }

            md.Append('\n');
        }
    }

    private static void Map(StringBuilder md, Journey j, JourneyActuals? actuals)
    {
        md.Append("## Journey map\n\n");
        if (j.Stages.Count == 0)
        {
            md.Append("The journey has no stages yet.\n\n");
            return;
        }

        Row(md, ["Lane", .. j.Stages.Select(s => E(s.Name))]);
        Separator(md, j.Stages.Count + 1);
        foreach (var lane in JourneyGrid.Build(j, actuals))
        {
            Row(md, [$"**{lane.Name}**", .. lane.Cells.Select(MarkdownText.Cell)]);
        }

        md.Append('\n');
    }

    private static void Kpis(StringBuilder md, Journey j, JourneyActuals? actuals)
    {
        var rows = j.Stages.SelectMany(s => s.Kpis.Select(k => (Stage: s.Name, Kpi: k)))
            .Concat(j.Metrics.Select(m => (Stage: "(whole journey)", Kpi: m)))
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        md.Append("## KPIs\n\n");
        string[] header = actuals is null ? ["Stage", "KPI", "Type", "Target"] : ["Stage", "KPI", "Type", "Target", "Actual", "Status"];
        Row(md, header);
        Separator(md, header.Length);
        foreach (var (stage, kpi) in rows)
        {
            List<string> cells = [E(stage), E(kpi.Name), E(JourneyGrid.Kebab<MetricType>(kpi.Type)), E(kpi.Target is null ? kpi.BaselineNote : kpi.BaselineNote is { } note ? $"{kpi.Target.Text} ({note})" : kpi.Target.Text)];
            if (actuals is not null)
            {
                var actual = actuals.ForKpi(kpi.Id);
                cells.Add(E(JourneyGrid.Actual(kpi, actual)));
                cells.Add(E(JourneyGrid.Status(kpi, actual)));
            }

            Row(md, cells);
        }

        md.Append('\n');
    }

    private static void Moments(StringBuilder md, Journey j, JourneyActuals? actuals)
    {
        if (j.MomentsOfTruth.Count == 0)
        {
            return;
        }

        md.Append("## Moments of truth\n\n");
        string[] header = actuals is null
            ? ["Moment", "Stage", "Condition", "Deadline", "Impact", "Action", "KPI"]
            : ["Moment", "Stage", "Condition", "Deadline", "Impact", "Action", "KPI", "Hit rate"];
        Row(md, header);
        Separator(md, header.Length);
        foreach (var m in j.MomentsOfTruth)
        {
            List<string> cells =
            [
                E(m.Name), E(StageName(j, m.Stage)), E(m.Condition is null ? null : JourneyGrid.Event(m.Condition)),
                E(m.Deadline?.Text), E(m.Impact), E(m.Action), E(KpiName(j, m.Kpi)),
            ];
            if (actuals is not null)
            {
                cells.Add(E(JourneyGrid.Percent(actuals.ForMoment(m.Id)?.HitRate)));
            }

            Row(md, cells);
        }

        md.Append('\n');
    }

    private static void Milestones(StringBuilder md, Journey j)
    {
        if (j.Milestones.Count == 0)
        {
            return;
        }

        md.Append("## Milestones\n\n");
        Row(md, ["At", "Milestone", "Stage", "Description"]);
        Separator(md, 4);
        foreach (var m in j.Milestones)
        {
            Row(md, [E(m.At), E(m.Name), E(StageName(j, m.Stage)), E(m.Description)]);
        }

        md.Append('\n');
    }

    private static void CriticalTouchpoints(StringBuilder md, Journey j)
    {
        if (j.CriticalTouchpoints.Count == 0)
        {
            return;
        }

        md.Append("## Critical touchpoints\n\n");
        Row(md, ["Rank", "Touchpoint", "Why"]);
        Separator(md, 3);
        foreach (var c in j.CriticalTouchpoints.OrderBy(c => c.Rank))
        {
            var name = j.AllTouchpoints().FirstOrDefault(t => t.Id == c.Touchpoint)?.Name ?? c.Touchpoint;
            Row(md, [c.Rank.ToString(CultureInfo.InvariantCulture), E(name), E(c.Why)]);
        }

        md.Append('\n');
    }

    private static void Structure(StringBuilder md, Journey j)
    {
        foreach (var section in StructureCards.Build(j))
        {
            md.Append("## ").Append(section.Title).Append("\n\n");
            foreach (var card in section.Cards)
            {
                md.Append("### ").Append(E(card.Title)).Append("\n\n");
                foreach (var row in card.Rows)
                {
                    // A checked URL holds no space, '<' or '>', so it sits whole in a link's <...> destination.
                    md.Append("- **").Append(row.Label).Append(":** ")
                        .Append(row.Link ? $"[{E(row.Value)}](<{row.Value}>)" : E(row.Value)).Append('\n');
                }

                md.Append('\n');
            }
        }
    }

    private static void Interventions(StringBuilder md, Journey j, JourneyActuals? actuals)
    {
        if (j.Interventions.Count == 0)
        {
            return;
        }

        // The lift column appears when the lift was measured, so an export carries what the signed-in map shows.
        var lift = actuals is { Interventions.Count: > 0 };
        md.Append("## Interventions\n\n");
        Row(md, lift ? ["Intervention", "Stage", "When", "Then", "Goal", "Holdout", "Lift"] : ["Intervention", "Stage", "When", "Then", "Goal", "Holdout"]);
        Separator(md, lift ? 7 : 6);
        foreach (var i in j.Interventions)
        {
            string[] cells =
            [
                E(i.Name), E(StageName(j, i.Stage)), E(Condition(j, i.When)), E(Action(i.Then)),
                E(i.Goal is null ? null : JourneyGrid.Event(i.Goal)), E(JourneyGrid.Percent(i.Holdout)),
            ];
            Row(md, lift ? [.. cells, E(LiftOf(actuals!, i.Id, i.Goal is not null))] : cells);
        }

        md.Append('\n');
    }

    private static string LiftOf(JourneyActuals actuals, string id, bool hasGoal) =>
        actuals.ForIntervention(id) is { } measured ? measured.Summary() : hasGoal ? "not measured" : "no goal, so no lift measured";

    private static void Sequences(StringBuilder md, Journey j, JourneyActuals? actuals)
    {
        if (j.Sequences.Count == 0)
        {
            return;
        }

        md.Append("## Sequences\n\n");
        foreach (var s in j.Sequences)
        {
            md.Append("### ").Append(E(s.Name)).Append("\n\n");
            if (s.Stage is not null)
            {
                md.Append("- **Stage:** ").Append(E(StageName(j, s.Stage))).Append('\n');
            }

            md.Append("- **Trigger:** ").Append(E(Condition(j, s.Trigger))).Append('\n');
            if (s.Exit is not null)
            {
                md.Append("- **Exit:** ").Append(E(JourneyGrid.Event(s.Exit))).Append('\n');
            }

            md.Append("- **Re-entry:** ").Append(E(JourneyGrid.Kebab<Reentry>(s.Reentry))).Append('\n');
            if (s.Holdout is { } holdout)
            {
                md.Append("- **Holdout:** ").Append(E(JourneyGrid.Percent(holdout))).Append('\n');
            }

            if (actuals?.ForIntervention(s.Id) is { } measured)
            {
                md.Append("- **Lift:** ").Append(E(measured.Summary())).Append('\n');
            }

            md.Append('\n');
            if (s.Steps.Count > 0)
            {
                // A step written with 'after' (5m) reads "after 5m"; a whole-day step keeps its bare day number.
                Row(md, ["Day", "Action"]);
                Separator(md, 2);
                foreach (var step in s.Steps)
                {
                    Row(md, [step.After is { } after ? E($"after {after.Text}") : step.Day.ToString(CultureInfo.InvariantCulture), E(Action(step.Then))]);
                }

                md.Append('\n');
            }
        }
    }

    private static string Condition(Journey j, Condition c) =>
        c.Event is not null ? JourneyGrid.Event(c.Event)
        : c.InactiveFor is not null || c.InactiveEvent is not null ? $"no {(c.InactiveEvent is null ? "event" : JourneyGrid.Event(c.InactiveEvent))} for {c.InactiveFor}"
        : c.EnteredStage is not null ? $"entered {StageName(j, c.EnteredStage)}"
        : c.StuckInStage is not null ? $"stuck in {StageName(j, c.StuckInStage)} for {c.StuckFor}"
        : c.MissedMoment is not null ? $"missed {j.MomentsOfTruth.FirstOrDefault(m => m.Id == c.MissedMoment)?.Name ?? c.MissedMoment}"
        : c.Metric is not null ? FilterWriter.Write(c.Metric)
        : c.TraitChanged is not null ? $"trait {c.TraitChanged} changed"
        : "";

    private static string Action(InterventionAction a)
    {
        var what = a.Subject ?? a.Message ?? a.Template ?? a.Url ?? a.To;
        var channel = JourneyGrid.Kebab<ActionChannel>(a.Channel);
        return what is null ? channel! : $"{channel}: {what}";
    }

    private static string? StageName(Journey j, string? id) => id is null ? null : j.FindStage(id)?.Name ?? id;

    private static string? KpiName(Journey j, string? id) =>
        id is null ? null : j.AllMetrics().FirstOrDefault(m => m.Id == id)?.Name ?? id;

    private static string Day(DateTimeOffset d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder md, IEnumerable<string> cells) =>
        md.Append("| ").AppendJoin(" | ", cells).Append(" |\n");

    private static void Separator(StringBuilder md, int columns) =>
        md.Append('|').Append(string.Concat(Enumerable.Repeat(" --- |", columns))).Append('\n');
}
