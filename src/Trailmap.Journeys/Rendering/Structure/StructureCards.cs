using System.Globalization;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;

namespace Trailmap.Journeys.Rendering;

/// <summary>One labelled value of a card, plain unescaped text; each renderer escapes it for its format.</summary>
/// <summary><see cref="Link"/>: the value is a checked URL (<see cref="JourneyLink.Problem"/>), drawn as a link where the format has links.</summary>
internal sealed record CardRow(string Label, string Value, bool Link = false);

/// <summary>
/// A card below the map: a customer state, a journey-wide opportunity, a touchpoint in detail, a trigger, a program,
/// an activation path, a cohort, a roadmap item or a message's full text.
/// </summary>
internal sealed record Card(string Id, string Title, IReadOnlyList<CardRow> Rows);

/// <summary>A titled group of cards; <see cref="Css"/> names it in HTML and SVG.</summary>
internal sealed record CardSection(string Css, string Title, IReadOnlyList<Card> Cards);

/// <summary>
/// The journey-wide parts as titled cards, the one shape every render shares so they all show the same fields:
/// the document's header, research findings and insights, the customer states, journey-wide opportunities, touchpoints with their goal, current and ideal state, fix,
/// cadence and content (critical ones first, by rank), triggers, programs, activation paths, cohort targets, the
/// roadmap, the messages whose full text is written (interventions' and sequence steps' bodies), and the related
/// documents the journey links to.
/// </summary>
internal static class StructureCards
{
    public static IReadOnlyList<CardSection> Build(Journey journey)
    {
        var stageNames = journey.Stages.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First().Name);
        var kpiNames = journey.AllMetrics().GroupBy(m => m.Id).ToDictionary(g => g.Key, g => g.First().Name);
        var opportunities = journey.AllOpportunities().GroupBy(o => o.Id).ToDictionary(g => g.Key, g => g.First().Text);
        var pains = journey.Stages.SelectMany(s => s.PainPoints).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Text);
        string Names(IEnumerable<string> ids, Dictionary<string, string> names) => string.Join("; ", ids.Select(i => names.GetValueOrDefault(i, i)));
        static string? Kebab<T>(T? v)
            where T : struct, Enum => v is { } x ? EnumNames.Kebab(x.ToString()) : null;

        var sections = new List<CardSection>();
        void Section(string css, string title, IEnumerable<Card> cards)
        {
            var list = cards.ToList();
            if (list.Count > 0)
            {
                sections.Add(new CardSection(css, title, list));
            }
        }

        static List<CardRow> Rows(params (string Label, string? Value)[] rows) =>
            [.. rows.Where(r => !string.IsNullOrWhiteSpace(r.Value)).Select(r => new CardRow(r.Label, r.Value!))];

        if (journey.Document is { } doc)
        {
            Section("document", "Document", [new Card("document", journey.Title, Rows(
                ("Author", doc.Author),
                ("Prepared for", doc.PreparedFor),
                ("Owner", journey.Owner),
                ("Version", doc.Version),
                ("Date", doc.Date),
                ("Status", Kebab(doc.Status)?.Replace('-', ' ')),
                ("Audience", string.Join("; ", doc.Audience))))]);
        }

        var personaNames = journey.Personas.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Name);
        var findingTexts = journey.Findings.GroupBy(f => f.Id).ToDictionary(g => g.Key, g => g.First().Text);
        Section("findings", "Findings", journey.Findings.Select(f => new Card(f.Id, f.Text, Rows(
            ("Source", f.Source),
            ("Evidence", f.Evidence),
            ("Stages", Names(f.Stages, stageNames)),
            ("Personas", Names(f.Personas, personaNames))))));
        Section("insights", "Insights", journey.Insights.Select(i => new Card(i.Id, i.Text, Rows(
            ("From findings", Names(i.Findings, findingTexts)),
            ("Stages", Names(i.Stages, stageNames)),
            ("Opportunities", Names(i.Opportunities, opportunities))))));
        Section("customer-states", "Customer states", journey.CustomerStates.Select(c => new Card(c.Id, c.Name, Rows(
            ("State", c.Description),
            ("Stages", Names(c.Stages, stageNames))))));
        Section("journey-opportunities", "Journey-wide opportunities", journey.Opportunities.Select(o => new Card(o.Id, o.Text, Rows(
            ("Kind", Kebab(o.Kind)),
            ("Type", Kebab(o.Type)),
            ("Priority", Kebab(o.Priority)),
            ("Status", Kebab(o.Status)?.Replace('-', ' ')),
            ("Owner", o.Owner),
            ("Addresses", Names(o.Addresses, pains))))));

        var critical = journey.CriticalTouchpoints.GroupBy(c => c.Touchpoint).ToDictionary(g => g.Key, g => g.First());
        var detailed = journey.Stages
            .SelectMany(s => s.Touchpoints.Select(t => (Stage: s, Touchpoint: t)))
            // A critical touchpoint with nothing more than its rank is already in the critical list; a card adds nothing.
            .Where(x => x.Touchpoint.Goal is not null || x.Touchpoint.Current is not null
                || x.Touchpoint.Ideal is not null || x.Touchpoint.Fix is not null || x.Touchpoint.Stages.Count > 0
                || x.Touchpoint.Cadence is not null || x.Touchpoint.Timing is not null || x.Touchpoint.Content is not null
                || x.Touchpoint.CriticalElements.Count > 0)
            .OrderBy(x => critical.TryGetValue(x.Touchpoint.Id, out var c) ? c.Rank : int.MaxValue)
            .ToList();
        Section("touchpoint-details", "Touchpoints in detail", detailed.Select(x =>
        {
            var t = x.Touchpoint;
            var rank = critical.TryGetValue(t.Id, out var c)
                ? $"critical #{c.Rank.ToString(CultureInfo.InvariantCulture)}{(c.Why is { } why ? $": {why}" : "")}"
                : null;
            return new Card(t.Id, t.Name, Rows(
                ("Critical", rank),
                ("Stages", Names([x.Stage.Id, .. t.Stages.Where(s => s != x.Stage.Id)], stageNames)),
                ("Channel", t.Channel),
                ("Owner", t.Owner),
                ("Goal", t.Goal),
                ("Current", t.Current),
                ("Ideal", t.Ideal),
                ("Critical elements", string.Join("; ", t.CriticalElements)),
                ("Fix", t.Fix),
                ("Cadence", t.Cadence),
                ("Timing", t.Timing?.Text),
                ("Content", t.Content)));
        }));
        Section("triggers", "Triggers", journey.Triggers.Select(t => new Card(t.Id, t.Name, Rows(
            ("Kind", Kebab<TriggerKind>(t.Kind)),
            ("Stages", Names(t.Stages, stageNames)),
            ("About", t.Description)))));
        Section("programs", "Programs", journey.Programs.Select(p => new Card(p.Id, p.Name, Rows(
            ("Kind", Kebab(p.Kind)),
            ("Stages", Names(p.Stages, stageNames)),
            ("Steps", string.Join("; ", p.Steps.Select((s, i) => $"{i + 1}. {s}"))),
            ("Rewards", string.Join("; ", p.Rewards.Select(r => $"{r.To}: {r.Reward}"))),
            ("Tracking", string.Join("; ", p.Tracking)),
            ("KPIs", Names(p.Kpis, kpiNames))))));
        Section("activation-paths", "Activation paths", journey.ActivationPaths.Select(a => new Card(a.Id, a.Name, Rows(
            ("Definition", a.Definition),
            ("Stage", a.Stage is null ? null : stageNames.GetValueOrDefault(a.Stage, a.Stage)),
            ("Time to value", a.TimeToValue?.ToString()),
            ("Rate", a.Rate?.ToString()),
            ("Choke points", string.Join("; ", a.ChokePoints)),
            ("KPIs", Names(a.Kpis, kpiNames))))));
        var touchpointNames = journey.AllTouchpoints().GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First().Name);
        string? Place(string? stage, string? touchpoint) =>
            string.Join(", ", new[] { touchpoint is null ? null : touchpointNames.GetValueOrDefault(touchpoint, touchpoint), stage is null ? null : stageNames.GetValueOrDefault(stage, stage) }.OfType<string>()) is { Length: > 0 } p ? p : null;
        Section("flows", "Flows", journey.Flows.Select(f => new Card(f.Id, f.Name, Rows(
            ("Where", Place(f.Stage, f.Touchpoint)),
            ("About", f.Description),
            ("Steps", string.Join(" → ", f.Steps.Select(s => Place(s.Stage, s.Touchpoint) is { } p ? $"{s.Name} ({p})" : s.Name)))))));
        Section("cohort-targets", "Cohort targets", journey.CohortTargets.Select(c => new Card(c.Id, c.Cohort, Rows(
            ("Measure", c.Measure),
            ("Target", c.Target?.ToString()),
            ("Action", c.Action),
            ("KPI", c.Kpi is null ? null : kpiNames.GetValueOrDefault(c.Kpi, c.Kpi))))));
        Section("roadmap", "Roadmap", journey.Roadmap.Select(r => new Card(r.Id, r.Name, Rows(
            ("Due", r.Due ?? "not dated"),
            ("Owner", r.Owner),
            ("Status", Kebab(r.Status)?.Replace('-', ' ')),
            ("Opportunities", Names(r.Opportunities, opportunities)),
            ("KPIs", Names(r.Kpis, kpiNames))))));
        Section("messages", "Messages", Messages(journey, stageNames));
        Section("links", "Related documents", journey.Links.Select((l, i) => new Card(
            "link-" + (i + 1).ToString(CultureInfo.InvariantCulture), l.Title, [new CardRow("Link", l.Url, Link: true)])));
        return sections;
    }

    /// <summary>Each intervention's and sequence step's message whose full text is written, in file order.</summary>
    private static IEnumerable<Card> Messages(Journey journey, Dictionary<string, string> stageNames)
    {
        string? StageName(string? id) => id is null ? null : stageNames.GetValueOrDefault(id, id);
        foreach (var i in journey.Interventions.Where(i => i.Then.Body is not null))
        {
            yield return Message(i.Id, i.Name, i.Then, $"intervention {i.Name}", $"when {i.When}", StageName(i.Stage));
        }

        foreach (var s in journey.Sequences)
        {
            for (var k = 0; k < s.Steps.Count; k++)
            {
                var step = s.Steps[k];
                if (step.Then.Body is not null)
                {
                    var id = $"{s.Id}-step-{(k + 1).ToString(CultureInfo.InvariantCulture)}";
                    yield return Message(id, s.Name, step.Then, $"sequence {s.Name}, step {(k + 1).ToString(CultureInfo.InvariantCulture)}", step.When, StageName(s.Stage));
                }
            }
        }
    }

    private static Card Message(string id, string fallbackTitle, InterventionAction a, string sentBy, string when, string? stage) =>
        new(id, a.Subject ?? a.Message ?? fallbackTitle, [.. new (string Label, string? Value)[]
        {
            ("Sent by", sentBy),
            ("When", when),
            ("Stage", stage),
            ("Channel", EnumNames.Kebab(a.Channel.ToString())),
            ("Subject", a.Subject),
            ("Body", a.Body),
        }.Where(r => !string.IsNullOrWhiteSpace(r.Value)).Select(r => new CardRow(r.Label, r.Value!))]);
}
