using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;

namespace Trailmap.Journeys.Writing;

/// <summary>
/// Writes a journey as Trailmap YAML that parses back to an equal model. Every id the parser would
/// otherwise derive (touchpoints, pain points, milestones) and every default it would fill in
/// (a stage KPI's from/to) is written out, so the file means the same to any reader.
/// </summary>
public static class JourneyYamlWriter
{
    public static string Write(Journey journey) => YamlPrinter.Print(JourneyMap(journey));

    private static YamlMap JourneyMap(Journey j) => new YamlMap()
        .Number("version", JourneyParser.FormatVersion)
        .Text("id", j.Id)
        .Text("title", j.Title)
        .Text("description", j.Description)
        .Text("owner", j.Owner)
        .Texts("tags", j.Tags)
        .Add("emotion_scale", new YamlRaw(YamlScalar.Text(j.EmotionScale.ToString())))
        .Optional("emotion_lexicon", j.EmotionLexicon.Count == 0 ? null
            : new YamlMap([.. j.EmotionLexicon.Select(e => new KeyValuePair<string, YamlValue>(YamlScalar.Text(e.Key), new YamlRaw(YamlScalar.Number(e.Value))))]))
        .Text("window", j.Window?.Text)
        .Text("measure", j.Measure == JourneyMeasure.Accounts ? "accounts" : null)
        .Maps("personas", j.Personas, Persona)
        .Add("stages", new YamlList([.. j.Stages.Select(Stage)]))
        .Maps("moments_of_truth", j.MomentsOfTruth, Moment)
        .Maps("milestones", j.Milestones, Milestone)
        .Maps("critical_touchpoints", j.CriticalTouchpoints, Critical)
        .Maps("metrics", j.Metrics, Metric)
        .Maps("interventions", j.Interventions, Intervention)
        .Maps("sequences", j.Sequences, Sequence)
        .Maps("triggers", j.Triggers, t => new YamlMap()
            .Text("id", t.Id).Text("name", t.Name).Text("kind", Kebab(t.Kind)).Texts("stages", t.Stages).Text("description", t.Description))
        .Maps("programs", j.Programs, p => new YamlMap()
            .Text("id", p.Id).Text("name", p.Name).Text("kind", Kebab(p.Kind)).Texts("stages", p.Stages).Texts("steps", p.Steps)
            .Maps("rewards", p.Rewards, r => new YamlMap().Text("to", r.To).Text("reward", r.Reward))
            .Texts("tracking", p.Tracking).Texts("kpis", p.Kpis))
        .Maps("activation_paths", j.ActivationPaths, a => new YamlMap()
            .Text("id", a.Id).Text("name", a.Name).Text("definition", a.Definition).Text("stage", a.Stage)
            .Text("time_to_value", a.TimeToValue?.Text).Text("rate", a.Rate?.Text).Texts("choke_points", a.ChokePoints).Texts("kpis", a.Kpis))
        .Maps("flows", j.Flows, f => new YamlMap()
            .Text("id", f.Id).Text("name", f.Name).Text("description", f.Description).Text("stage", f.Stage).Text("touchpoint", f.Touchpoint)
            .Maps("steps", f.Steps, s => s.Stage is null && s.Touchpoint is null
                ? new YamlRaw(YamlScalar.Text(s.Name))
                : new YamlMap().Text("name", s.Name).Text("stage", s.Stage).Text("touchpoint", s.Touchpoint)))
        .Maps("cohort_targets", j.CohortTargets, c => new YamlMap()
            .Text("id", c.Id).Text("cohort", c.Cohort).Text("measure", c.Measure).Text("target", c.Target?.Text).Text("action", c.Action).Text("kpi", c.Kpi))
        .Maps("roadmap", j.Roadmap, r => new YamlMap()
            .Text("id", r.Id).Text("name", r.Name).Text("due", r.Due).Text("owner", r.Owner).Text("status", Kebab(r.Status))
            .Texts("opportunities", r.Opportunities).Texts("kpis", r.Kpis))
        .Maps("customer_states", j.CustomerStates, c => new YamlMap()
            .Text("id", c.Id).Text("name", c.Name).Text("description", c.Description).Texts("stages", c.Stages))
        .Maps("opportunities", j.Opportunities, Opportunity)
        .Maps("links", j.Links, l => new YamlMap().Text("title", l.Title).Text("url", l.Url))
        .Optional("document", j.Document is not { } d ? null : new YamlMap()
            .Text("author", d.Author).Text("prepared_for", d.PreparedFor).Text("version", d.Version).Text("date", d.Date)
            .Text("status", Kebab(d.Status)).Texts("audience", d.Audience))
        .Maps("findings", j.Findings, f => new YamlMap()
            .Text("id", f.Id).Text("text", f.Text).Text("source", f.Source).Text("evidence", f.Evidence).Texts("stages", f.Stages).Texts("personas", f.Personas))
        .Maps("insights", j.Insights, i => new YamlMap()
            .Text("id", i.Id).Text("text", i.Text).Texts("findings", i.Findings).Texts("stages", i.Stages).Texts("opportunities", i.Opportunities))
        .Optional("automation", Automation(j.Automation));

    private static YamlMap? Automation(AutomationSettings? a)
    {
        if (a is null)
        {
            return null;
        }

        var map = new YamlMap();
        if (a.FrequencyCap is { } cap)
        {
            map.Add("frequency_cap", new YamlMap().Number("max", cap.Max).Text("per", cap.Per.Text));
        }

        if (a.QuietHours is { } q)
        {
            map.Add("quiet_hours", new YamlMap()
                .Text("from", q.From.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))
                .Text("to", q.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))
                .Text("timezone_trait", q.TimezoneTrait)
                .Text("default_timezone", q.DefaultTimezone));
        }

        return map;
    }

    private static YamlMap Persona(Persona p)
    {
        var map = new YamlMap()
            .Text("id", p.Id)
            .Text("name", p.Name)
            .Text("role", p.Role)
            .Text("quote", p.Quote)
            .Texts("quotes", p.Quotes)
            .Texts("goals", p.Goals)
            .Texts("pains", p.Pains)
            .Texts("motivations", p.Motivations)
            .Texts("values", p.Values)
            .Texts("personality", p.Personality)
            .Texts("attitudes", p.Attitudes)
            .Text("lifestyle", p.Lifestyle)
            .Text("tech_comfort", Kebab(p.TechComfort))
            .Texts("channels", p.Channels)
            .Texts("information_sources", p.InformationSources)
            .Texts("behaviors", p.Behaviors);
        if (p.Demographics.Count > 0)
        {
            var demographics = new YamlMap();
            foreach (var (key, value) in p.Demographics)
            {
                demographics.Text(YamlScalar.Text(key), value);
            }

            map.Add("demographics", demographics);
        }

        return map.Optional("traits", FilterValue(p.Traits));
    }

    private static YamlMap Stage(Stage s) => new YamlMap()
        .Text("id", s.Id)
        .Text("name", s.Name)
        .Text("description", s.Description)
        .Text("goal", s.Goal)
        .Texts("goals", s.Goals)
        .Text("customer_goal", s.CustomerGoal)
        .Texts("customer_goals", s.CustomerGoals)
        .Text("mindset", s.Mindset)
        .Text("timeframe", s.Timeframe)
        .Text("timing", s.Timing?.Text)
        .Maps("touchpoints", s.Touchpoints, t => new YamlMap()
            .Text("id", t.Id)
            .Text("name", t.Name)
            .Text("channel", t.Channel)
            .Text("layer", Kebab(t.Layer))
            .Text("owner", t.Owner)
            .Text("goal", t.Goal)
            .Text("current", t.Current)
            .Optional("ideal", TouchpointIdeal(t))
            .Text("fix", t.Fix)
            .Texts("stages", t.Stages)
            .Text("cadence", t.Cadence)
            .Text("timing", t.Timing?.Text)
            .Text("content", t.Content)
            .Number("share", t.Share)
            .Texts("personas", t.Personas))
        .Maps("actions", s.Actions, a => new YamlMap()
            .Text("name", a.Name)
            .Number("score", a.Score)
            .Texts("personas", a.Personas)
            .Text("cadence", a.Cadence)
            .Text("timing", a.Timing?.Text))
        .Texts("thoughts", s.Thoughts)
        .Texts("motivations", s.Motivations)
        .Optional("emotion", s.Emotion is { } e ? new YamlMap().Number("score", e.Score).Texts("feelings", e.Feelings) : null)
        .Maps("pain_points", s.PainPoints, p => new YamlMap()
            .Text("id", p.Id)
            .Text("text", p.Text)
            .Text("severity", Kebab(p.Severity))
            .Texts("personas", p.Personas))
        .Maps("opportunities", s.Opportunities, Opportunity)
        .Maps("kpis", s.Kpis, Metric)
        .Optional("entry", s.EntryWithin is { } within && s.Entry is { } entry
            ? new YamlMap().Text("event", entry.Event).Optional("where", FilterValue(entry.Where)).Text("within", within.Text)
            : Event(s.Entry))
        .Optional("ideal", s.Ideal is { } ideal ? Ideal(ideal) : null);

    private static YamlMap Opportunity(Opportunity o) => new YamlMap()
        .Text("id", o.Id)
        .Text("text", o.Text)
        .Text("type", Kebab(o.Type))
        .Text("kind", Kebab(o.Kind))
        .Text("priority", Kebab(o.Priority))
        .Text("status", Kebab(o.Status))
        .Text("owner", o.Owner)
        .Texts("addresses", o.Addresses);

    private static YamlMap Ideal(IdealState ideal)
    {
        var map = new YamlMap().Number("emotion", ideal.Emotion).Text("description", ideal.Description);
        if (ideal.Targets.Count > 0)
        {
            var targets = new YamlMap();
            foreach (var (kpi, target) in ideal.Targets)
            {
                targets.Text(YamlScalar.Text(kpi), target.Text);
            }

            map.Add("targets", targets);
        }

        return map.Maps("critical_elements", ideal.CriticalElements, CriticalElement);
    }

    /// <summary>A touchpoint's ideal stays plain text unless it has critical elements.</summary>
    private static YamlValue? TouchpointIdeal(Touchpoint t) => t.CriticalElements.Count == 0
        ? (t.Ideal is { } text ? new YamlRaw(YamlScalar.Text(text)) : null)
        : new YamlMap().Text("description", t.Ideal).Maps("critical_elements", t.CriticalElements, CriticalElement);

    private static YamlValue CriticalElement(CriticalElement e) => e.Detail is null
        ? new YamlRaw(YamlScalar.Text(e.Name))
        : new YamlMap().Text("name", e.Name).Text("detail", e.Detail);

    private static YamlMap Metric(Metric m) => new YamlMap()
        .Text("id", m.Id)
        .Text("name", m.Name)
        .Text("type", Kebab(m.Type))
        // A target computed from the baseline and the change is written as they were, never as a target too.
        .Text("target", m.TargetFromChange ? null : m.Target?.Text)
        .Text("baseline", m.Baseline?.Text)
        .Text("change", m.Change?.Text)
        .Text("description", m.Description)
        .Text("from", m.From)
        .Optional("from", EventMap(m.FromEvent))
        .Text("to", m.To)
        .Optional("to", EventMap(m.ToEvent))
        .Optional("event", Event(m.Event))
        .Optional("return_event", Event(m.ReturnEvent))
        .Optional("denominator", Event(m.Denominator))
        .Optional("signup", Event(m.Signup))
        .Text("period", Kebab(m.Period))
        .Number("period_number", m.PeriodNumber)
        .Text("property", m.Property)
        .Text("of", m.Of)
        .Text("window", m.Window?.Text);

    private static YamlMap Moment(MomentOfTruth m) => new YamlMap()
        .Text("id", m.Id)
        .Text("name", m.Name)
        .Text("stage", m.Stage)
        .Optional("condition", Event(m.Condition))
        .Text("deadline", m.Deadline?.Text)
        .Text("impact", m.Impact)
        .Text("action", m.Action)
        .Text("kpi", m.Kpi);

    private static YamlMap Milestone(Milestone m) => new YamlMap()
        .Text("id", m.Id)
        .Text("at", m.At)
        .Text("name", m.Name)
        .Text("stage", m.Stage)
        .Text("description", m.Description);

    private static YamlMap Critical(CriticalTouchpoint c) => new YamlMap()
        .Text("touchpoint", c.Touchpoint)
        .Number("rank", c.Rank)
        .Text("why", c.Why);

    private static YamlMap Intervention(Intervention i) => new YamlMap()
        .Text("id", i.Id)
        .Text("name", i.Name)
        .Text("stage", i.Stage)
        .Add("when", Condition(i.When))
        .Add("then", Action(i.Then))
        .Optional("goal", Event(i.Goal))
        .Number("holdout", i.Holdout)
        .Text("on_resume", i.OnResume is { } r ? Kebab(r) : null);

    private static YamlMap Sequence(Sequence s) => new YamlMap()
        .Text("id", s.Id)
        .Text("name", s.Name)
        .Text("stage", s.Stage)
        .Add("trigger", Condition(s.Trigger))
        .Maps("steps", s.Steps, step => (step.After is { } after ? new YamlMap().Text("after", after.Text) : new YamlMap().Number("day", step.Day)).Add("then", Action(step.Then)))
        .Optional("exit", Event(s.Exit))
        .Text("reentry", Kebab(s.Reentry))
        .Number("holdout", s.Holdout)
        .Text("on_resume", s.OnResume is { } r ? Kebab(r) : null);

    private static YamlMap Condition(Condition c)
    {
        var map = new YamlMap().Optional("event", Event(c.Event));
        if (c.InactiveEvent is not null || c.InactiveFor is not null)
        {
            map.Optional("no_event", Event(c.InactiveEvent)).Text("for", c.InactiveFor?.Text);
        }

        if (c.StuckInStage is not null)
        {
            map.Text("stuck_in_stage", c.StuckInStage).Text("for", c.StuckFor?.Text);
        }

        return map
            .Text("entered_stage", c.EnteredStage)
            .Text("missed_moment", c.MissedMoment)
            .Text("metric", c.Metric is null ? null : FilterWriter.Write(c.Metric))
            .Text("trait_changed", c.TraitChanged);
    }

    private static YamlMap Action(InterventionAction a) => new YamlMap()
        .Text("channel", Kebab(a.Channel))
        .Text("template", a.Template)
        .Text("subject", a.Subject)
        .Text("to", a.To)
        .Text("url", a.Url)
        .Text("message", a.Message)
        .Text("body", a.Body);

    /// <summary>An event alone as its name; with a filter as <c>{ event, where }</c>.</summary>
    private static YamlValue? Event(EventCondition? e) => e switch
    {
        null => null,
        { Where: null } => new YamlRaw(YamlScalar.Text(e.Event)),
        _ => new YamlMap().Text("event", e.Event).Optional("where", FilterValue(e.Where)),
    };

    /// <summary>Always the <c>{ event, where }</c> form: where a bare text would mean a stage id (metric from/to).</summary>
    private static YamlValue? EventMap(EventCondition? e) =>
        e is null ? null : new YamlMap().Text("event", e.Event).Optional("where", FilterValue(e.Where));

    /// <summary>
    /// A filter as an expression, or, when a property name cannot be written bare (it came from a
    /// <c>where:</c> mapping with a key like "plan type"), as the equivalent mapping of equalities.
    /// </summary>
    private static YamlValue? FilterValue(Filter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        if (!FilterWriter.HasPlainProperties(filter) && FilterWriter.AsEqualities(filter) is { } equalities)
        {
            var map = new YamlMap();
            foreach (var c in equalities)
            {
                map.Add(YamlScalar.Text(c.Property), new YamlRaw(MappingValue(c.Value)));
            }

            return map;
        }

        return new YamlRaw(YamlScalar.Text(FilterWriter.Write(filter)));
    }

    // In a where-mapping the parser reads unquoted true/false/null/numbers as such and quoted values as text.
    private static string MappingValue(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => YamlScalar.Quoted(s),
        _ => FilterWriter.Literal(value),
    };

    private static string? Kebab<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value is { } v ? EnumNames.Kebab(v.ToString()) : null;

    private static string Kebab<TEnum>(TEnum value)
        where TEnum : struct, Enum => EnumNames.Kebab(value.ToString());
}
