using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;

namespace Trailmap.Journeys.Validation;

/// <summary>Checks what the parser cannot see alone: unique ids, resolvable references, scales, and the lint rules.</summary>
public static class JourneyValidator
{
    public static IReadOnlyList<Diagnostic> Validate(Journey journey, string file)
    {
        var found = new List<Diagnostic>();
        void Report(DiagnosticCode code, SourceLocation at, string message) =>
            found.Add(new Diagnostic(code.Severity, code.Code, message, file, at));

        CheckUnique(journey.Personas.Select(p => (p.Id, IdAt(p.ValueLocations, p.Location))), "persona", Report);
        CheckUnique(journey.Stages.Select(s => (s.Id, IdAt(s.ValueLocations, s.Location))), "stage", Report);
        CheckUnique(journey.AllTouchpoints().Select(t => (t.Id, IdAt(t.ValueLocations, t.Location))), "touchpoint", Report);
        CheckUnique(journey.Stages.SelectMany(s => s.PainPoints).Select(p => (p.Id, IdAt(p.ValueLocations, p.Location))), "pain point", Report);
        CheckUnique(journey.AllOpportunities().Select(o => (o.Id, IdAt(o.ValueLocations, o.Location))), "opportunity", Report);
        CheckUnique(journey.AllMetrics().Select(m => (m.Id, IdAt(m.ValueLocations, m.Location))), "KPI or metric", Report);
        CheckUnique(journey.MomentsOfTruth.Select(m => (m.Id, IdAt(m.ValueLocations, m.Location))), "moment of truth", Report);
        CheckUnique(journey.Milestones.Select(m => (m.Id, IdAt(m.ValueLocations, m.Location))), "milestone", Report);
        CheckUnique(journey.Interventions.Select(i => (i.Id, IdAt(i.ValueLocations, i.Location))).Concat(journey.Sequences.Select(s => (s.Id, IdAt(s.ValueLocations, s.Location)))), "intervention or sequence", Report);
        CheckUnique(journey.Triggers.Select(t => (t.Id, IdAt(t.ValueLocations, t.Location))), "trigger", Report);
        CheckUnique(journey.Programs.Select(p => (p.Id, IdAt(p.ValueLocations, p.Location))), "program", Report);
        CheckUnique(journey.ActivationPaths.Select(a => (a.Id, IdAt(a.ValueLocations, a.Location))), "activation path", Report);
        CheckUnique(journey.Flows.Select(f => (f.Id, IdAt(f.ValueLocations, f.Location))), "flow", Report);
        CheckUnique(journey.CohortTargets.Select(c => (c.Id, IdAt(c.ValueLocations, c.Location))), "cohort target", Report);
        CheckUnique(journey.Roadmap.Select(r => (r.Id, IdAt(r.ValueLocations, r.Location))), "roadmap item", Report);
        CheckUnique(journey.CustomerStates.Select(c => (c.Id, IdAt(c.ValueLocations, c.Location))), "customer state", Report);
        CheckUnique(journey.Cohorts.Select(c => (c.Id, IdAt(c.ValueLocations, c.Location))), "cohort", Report);
        CheckUnique(journey.Findings.Select(f => (f.Id, IdAt(f.ValueLocations, f.Location))), "finding", Report);
        CheckUnique(journey.Insights.Select(i => (i.Id, IdAt(i.ValueLocations, i.Location))), "insight", Report);

        var stages = journey.Stages.Select(s => s.Id).ToHashSet();
        var personas = journey.Personas.Select(p => p.Id).ToHashSet();
        var metrics = journey.AllMetrics().Select(m => m.Id).ToHashSet();
        var pains = journey.Stages.SelectMany(s => s.PainPoints).Select(p => p.Id).ToHashSet();
        var touchpoints = journey.AllTouchpoints().Select(t => t.Id).ToHashSet();
        var moments = journey.MomentsOfTruth.Select(m => m.Id).ToHashSet();
        var cohorts = journey.Cohorts.Select(c => c.Id).ToHashSet();

        // A suggestion compares the reference with every id of its kind; a budget keeps a file with thousands of
        // broken references linear (only the first ones get a "did you mean").
        var suggestions = MaxSuggestions;
        void Resolve(string? reference, HashSet<string> known, string kind, SourceLocation at, string where)
        {
            if (reference is not null && !known.Contains(reference))
            {
                var hint = suggestions-- > 0 ? Suggest.DidYouMean(reference, known) : "";
                Report(Codes.UnresolvedReference, at, $"{where} refers to {kind} '{reference}', which the journey does not define{hint}");
            }
        }

        var scale = journey.EmotionScale;
        void CheckScore(double? score, SourceLocation at, string what)
        {
            if (score is { } s && !scale.Contains(s))
            {
                Report(Codes.ScoreOutsideScale, at, $"{what} is {s}, outside the journey's emotion scale {scale}; use a score from {scale.Min} to {scale.Max} or change 'emotion_scale'");
            }
        }

        CheckMeasuredStages(journey, Report);

        // Quick maps list opportunities without 'addresses'; such an opportunity answers every pain point of its stage.
        var addressed = journey.AllOpportunities().SelectMany(o => o.Addresses).ToHashSet();
        foreach (var o in journey.Opportunities)
        {
            for (var i = 0; i < o.Addresses.Count; i++)
            {
                Resolve(o.Addresses[i], pains, "pain point", ItemAt(o.ValueLocations, "addresses", i, o.Location), $"journey-wide opportunity '{o.Id}'");
            }
        }

        foreach (var stage in journey.Stages)
        {
            CheckScore(stage.Emotion?.Score, stage.Emotion is { } emotion ? emotion.ValueLocations.Of("score", emotion.Location) : stage.Location, $"the emotion of stage '{stage.Id}'");
            if (stage.Emotion is { Score: null, DerivedScore: null, Feelings.Count: > 0 } unscored)
            {
                Report(Codes.FeelingsNotInLexicon, unscored.ValueLocations.Of("feelings", unscored.Location),
                    $"stage '{stage.Id}' feels '{string.Join(", ", unscored.Feelings)}', and the emotion lexicon knows none of these words or emoji, so its curve point is missing; write a 'score' or add a word to 'emotion_lexicon', e.g. emotion_lexicon: {{ \"{Trailmap.Journeys.Emotions.EmotionLexicon.Terms(unscored.Feelings[0]).FirstOrDefault() ?? "word"}\": 3 }}");
            }

            CheckScore(stage.Ideal?.Emotion, stage.Ideal is { } idealState ? idealState.ValueLocations.Of("emotion", idealState.Location) : stage.Location, $"the ideal emotion of stage '{stage.Id}'");
            foreach (var action in stage.Actions)
            {
                CheckScore(action.Score, action.ValueLocations.Of("score", action.Location), $"the score of action '{action.Name}'");
                for (var i = 0; i < action.Personas.Count; i++)
                {
                    Resolve(action.Personas[i], personas, "persona", ItemAt(action.ValueLocations, "personas", i, action.Location), $"action '{action.Name}'");
                }
            }

            foreach (var t in stage.Touchpoints)
            {
                for (var i = 0; i < t.Personas.Count; i++)
                {
                    Resolve(t.Personas[i], personas, "persona", ItemAt(t.ValueLocations, "personas", i, t.Location), $"touchpoint '{t.Id}'");
                }
            }

            foreach (var p in stage.PainPoints)
            {
                for (var i = 0; i < p.Personas.Count; i++)
                {
                    Resolve(p.Personas[i], personas, "persona", ItemAt(p.ValueLocations, "personas", i, p.Location), $"pain point '{p.Id}'");
                }
            }

            foreach (var o in stage.Opportunities)
            {
                for (var i = 0; i < o.Addresses.Count; i++)
                {
                    Resolve(o.Addresses[i], pains, "pain point", ItemAt(o.ValueLocations, "addresses", i, o.Location), $"opportunity '{o.Id}'");
                }
            }

            if (stage.Ideal is { } ideal)
            {
                foreach (var kpi in ideal.Targets.Keys)
                {
                    Resolve(kpi, metrics, "KPI", ideal.ValueLocations.Of($"targets.{kpi}", ideal.Location), $"the ideal state of stage '{stage.Id}'");
                }
            }

            if (stage.Kpis.Count == 0)
            {
                Report(Codes.StageWithoutKpi, stage.Location, $"stage '{stage.Id}' has no KPI; add one under 'kpis' so the map shows whether the stage works");
            }

            if (stage.Entry is null)
            {
                Report(Codes.UnreachableStage, stage.Location, $"stage '{stage.Id}' has no 'entry' event, so no measured customer can ever reach it; add e.g. 'entry: Signed Up'");
            }

            var stageWide = stage.Opportunities.Any(o => o.Addresses.Count == 0);
            foreach (var pain in stage.PainPoints.Where(p => !stageWide && !addressed.Contains(p.Id)))
            {
                Report(Codes.PainWithoutOpportunity, pain.Location, $"pain point '{pain.Id}' ({Short(pain.Text)}) has no opportunity; add one under 'opportunities' with 'addresses: [{pain.Id}]'");
            }
        }

        foreach (var m in journey.AllMetrics())
        {
            var where = $"metric '{m.Id}'";
            Resolve(m.From, stages, "stage", m.ValueLocations.Of("from", m.Location), where);
            Resolve(m.To, stages, "stage", m.ValueLocations.Of("to", m.Location), where);
            Resolve(m.Of, stages, "stage", m.ValueLocations.Of("of", m.Location), where);
            // A target that is written but does not parse already has its own TM010; "no target" would be noise.
            if (m.Target is null && !m.ValueLocations.ContainsKey("target"))
            {
                Report(Codes.KpiWithoutTarget, m.Location, $"{where} has no 'target', so it can never be met or missed; add e.g. target: \">= 40%\"");
            }
            else if (m.Target is not null && ExpectedUnit(m.Type) is { } unit && m.Target.Unit != unit)
            {
                Report(Codes.UnitMismatch, m.ValueLocations.Of("target", m.Location), $"{where} is a {EnumNames.Kebab(m.Type.ToString())} metric, measured as a {unit.ToString().ToLowerInvariant()}, but its target '{m.Target}' is a {m.Target.Unit.ToString().ToLowerInvariant()}");
            }
        }

        foreach (var mot in journey.MomentsOfTruth)
        {
            var where = $"moment of truth '{mot.Id}'";
            Resolve(mot.Stage, stages, "stage", mot.ValueLocations.Of("stage", mot.Location), where);
            Resolve(mot.Kpi, metrics, "KPI", mot.ValueLocations.Of("kpi", mot.Location), where);
            if (mot.Deadline is null && !mot.ValueLocations.ContainsKey("deadline"))
            {
                Report(Codes.MomentWithoutDeadline, mot.Location, $"{where} has no 'deadline', so it can never be hit or missed; add e.g. deadline: within 7d of signup");
            }
        }

        if (journey.Health is { Stage: { } healthStage } health)
        {
            Resolve(healthStage, stages, "stage", health.Location, "the health scorecard");
        }

        foreach (var ms in journey.Milestones)
        {
            Resolve(ms.Stage, stages, "stage", ms.ValueLocations.Of("stage", ms.Location), $"milestone '{ms.Id}'");
        }

        foreach (var ct in journey.CriticalTouchpoints)
        {
            Resolve(ct.Touchpoint, touchpoints, "touchpoint", ct.ValueLocations.Of("touchpoint", ct.Location), "a critical touchpoint");
        }

        StructureRules.Check(journey, stages, metrics, (r, k, kind, at, w) => Resolve(r, k, kind, at, w), Report);
        ResearchRules.Check(journey, stages, personas, (r, k, kind, at, w) => Resolve(r, k, kind, at, w));

        void CheckCondition(Condition c, string where)
        {
            Resolve(c.EnteredStage, stages, "stage", c.ValueLocations.Of("entered_stage", c.Location), where);
            Resolve(c.StuckInStage, stages, "stage", c.ValueLocations.Of("stuck_in_stage", c.Location), where);
            Resolve(c.MissedMoment, moments, "moment of truth", c.ValueLocations.Of("missed_moment", c.Location), where);
        }

        foreach (var p in journey.Personas)
        {
            Resolve(p.Cohort, cohorts, "cohort", p.ValueLocations.Of("cohort", p.Location), $"persona '{p.Id}'");
        }

        CohortRules.Check(journey, Report);
        foreach (var i in journey.Interventions)
        {
            Resolve(i.Stage, stages, "stage", i.ValueLocations.Of("stage", i.Location), $"intervention '{i.Id}'");
            Resolve(i.Audience, cohorts, "cohort", i.ValueLocations.Of("audience", i.Location), $"the audience of intervention '{i.Id}'");
            CheckCondition(i.When, $"intervention '{i.Id}'");
        }

        foreach (var s in journey.Sequences)
        {
            Resolve(s.Stage, stages, "stage", s.ValueLocations.Of("stage", s.Location), $"sequence '{s.Id}'");
            Resolve(s.Audience, cohorts, "cohort", s.ValueLocations.Of("audience", s.Location), $"the audience of sequence '{s.Id}'");
            CheckCondition(s.Trigger, $"sequence '{s.Id}'");
        }

        return found;
    }

    /// <summary>How many unresolved references in one file get a "did you mean" suggestion.</summary>
    private const int MaxSuggestions = 20;

    /// <summary>
    /// Refuses more measured stages than analysis can follow, here rather than at analysis, where it would be a crash:
    /// the first stage past the limit is the one to point at.
    /// </summary>
    private static void CheckMeasuredStages(Journey journey, Action<DiagnosticCode, SourceLocation, string> report)
    {
        var measured = journey.Stages.Where(s => s.Entry is not null).ToList();
        if (measured.Count > 0 && measured[0] is { EntryWithin: { } within } opening)
        {
            report(Codes.WindowOnFirstStage, opening.ValueLocations.Of("entry", opening.Location),
                $"stage '{opening.Id}' is the first stage with an 'entry', so its 'within: {within.Text}' has no previous stage to count from; remove 'within' here (the journey's 'window' bounds the whole funnel) or put it on a later stage");
        }

        if (measured.Count > JourneyLimits.MaxMeasuredStages)
        {
            var first = measured[JourneyLimits.MaxMeasuredStages];
            report(Codes.TooManyMeasuredStages, first.ValueLocations.Of("entry", first.Location),
                $"{measured.Count} stages have an 'entry', but analysis follows at most {JourneyLimits.MaxMeasuredStages} per journey and stage '{first.Id}' is number {JourneyLimits.MaxMeasuredStages + 1}; remove 'entry' from stages you need not measure, or split the journey in two");
        }
    }

    private static TargetUnit? ExpectedUnit(MetricType type) => type switch
    {
        MetricType.Conversion or MetricType.Retention or MetricType.Csat or MetricType.Rate or MetricType.Nrr => TargetUnit.Percent,
        MetricType.TimeBetween => TargetUnit.Duration,
        MetricType.Nps or MetricType.Frequency or MetricType.ViralCoefficient => TargetUnit.Number,
        _ => null,
    };

    private static SourceLocation IdAt(IReadOnlyDictionary<string, SourceLocation> locations, SourceLocation fallback) =>
        locations.Of("id", fallback);

    /// <summary>Item i of a list key; a single value written instead of a list is located at the key's value.</summary>
    internal static SourceLocation ItemAt(IReadOnlyDictionary<string, SourceLocation> locations, string key, int i, SourceLocation fallback) =>
        locations.Of($"{key}[{i}]", locations.Of(key, fallback));

    private static string Short(string text) => text.Length <= 40 ? $"\"{text}\"" : $"\"{text[..37]}...\"";

    private static void CheckUnique(IEnumerable<(string Id, SourceLocation At)> items, string kind, Action<DiagnosticCode, SourceLocation, string> report)
    {
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (id, at) in items)
        {
            if (seen.TryGetValue(id, out var first))
            {
                report(Codes.DuplicateId, at, $"{kind} id '{id}' is already used at line {first.Line}; ids must be unique");
            }
            else
            {
                seen[id] = at;
            }
        }
    }
}
