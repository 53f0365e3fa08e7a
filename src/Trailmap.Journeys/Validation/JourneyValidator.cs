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

        CheckUnique(journey.Personas.Select(p => (p.Id, p.Location)), "persona", Report);
        CheckUnique(journey.Stages.Select(s => (s.Id, s.Location)), "stage", Report);
        CheckUnique(journey.AllTouchpoints().Select(t => (t.Id, t.Location)), "touchpoint", Report);
        CheckUnique(journey.Stages.SelectMany(s => s.PainPoints).Select(p => (p.Id, p.Location)), "pain point", Report);
        CheckUnique(journey.Stages.SelectMany(s => s.Opportunities).Select(o => (o.Id, o.Location)), "opportunity", Report);
        CheckUnique(journey.AllMetrics().Select(m => (m.Id, m.Location)), "KPI or metric", Report);
        CheckUnique(journey.MomentsOfTruth.Select(m => (m.Id, m.Location)), "moment of truth", Report);
        CheckUnique(journey.Milestones.Select(m => (m.Id, m.Location)), "milestone", Report);
        CheckUnique(journey.Interventions.Select(i => (i.Id, i.Location)).Concat(journey.Sequences.Select(s => (s.Id, s.Location))), "intervention or sequence", Report);

        var stages = journey.Stages.Select(s => s.Id).ToHashSet();
        var personas = journey.Personas.Select(p => p.Id).ToHashSet();
        var metrics = journey.AllMetrics().Select(m => m.Id).ToHashSet();
        var pains = journey.Stages.SelectMany(s => s.PainPoints).Select(p => p.Id).ToHashSet();
        var touchpoints = journey.AllTouchpoints().Select(t => t.Id).ToHashSet();
        var moments = journey.MomentsOfTruth.Select(m => m.Id).ToHashSet();

        void Resolve(string? reference, HashSet<string> known, string kind, SourceLocation at, string where)
        {
            if (reference is not null && !known.Contains(reference))
            {
                Report(Codes.UnresolvedReference, at, $"{where} refers to {kind} '{reference}', which the journey does not define{Suggest.DidYouMean(reference, known)}");
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

        foreach (var stage in journey.Stages)
        {
            CheckScore(stage.Emotion?.Score, stage.Emotion?.Location ?? stage.Location, $"the emotion of stage '{stage.Id}'");
            CheckScore(stage.Ideal?.Emotion, stage.Ideal?.Location ?? stage.Location, $"the ideal emotion of stage '{stage.Id}'");
            foreach (var action in stage.Actions)
            {
                CheckScore(action.Score, action.Location, $"the score of action '{action.Name}'");
                foreach (var p in action.Personas)
                {
                    Resolve(p, personas, "persona", action.Location, $"action '{action.Name}'");
                }
            }

            foreach (var o in stage.Opportunities)
            {
                foreach (var p in o.Addresses)
                {
                    Resolve(p, pains, "pain point", o.Location, $"opportunity '{o.Id}'");
                }
            }

            if (stage.Ideal is { } ideal)
            {
                foreach (var kpi in ideal.Targets.Keys)
                {
                    Resolve(kpi, metrics, "KPI", ideal.Location, $"the ideal state of stage '{stage.Id}'");
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

            // Quick maps list opportunities without 'addresses'; such an opportunity answers every pain point of its stage.
            var stageWide = stage.Opportunities.Any(o => o.Addresses.Count == 0);
            var addressed = journey.Stages.SelectMany(s => s.Opportunities).SelectMany(o => o.Addresses).ToHashSet();
            foreach (var pain in stage.PainPoints.Where(p => !stageWide && !addressed.Contains(p.Id)))
            {
                Report(Codes.PainWithoutOpportunity, pain.Location, $"pain point '{pain.Id}' ({Short(pain.Text)}) has no opportunity; add one under 'opportunities' with 'addresses: [{pain.Id}]'");
            }
        }

        foreach (var m in journey.AllMetrics())
        {
            var where = $"metric '{m.Id}'";
            Resolve(m.From, stages, "stage", m.Location, where);
            Resolve(m.To, stages, "stage", m.Location, where);
            Resolve(m.Of, stages, "stage", m.Location, where);
            if (m.Target is null)
            {
                Report(Codes.KpiWithoutTarget, m.Location, $"{where} has no 'target', so it can never be met or missed; add e.g. target: \">= 40%\"");
            }
            else if (ExpectedUnit(m.Type) is { } unit && m.Target.Unit != unit)
            {
                Report(Codes.UnitMismatch, m.Location, $"{where} is a {EnumNames.Kebab(m.Type.ToString())} metric, measured as a {unit.ToString().ToLowerInvariant()}, but its target '{m.Target}' is a {m.Target.Unit.ToString().ToLowerInvariant()}");
            }
        }

        foreach (var mot in journey.MomentsOfTruth)
        {
            var where = $"moment of truth '{mot.Id}'";
            Resolve(mot.Stage, stages, "stage", mot.Location, where);
            Resolve(mot.Kpi, metrics, "KPI", mot.Location, where);
            if (mot.Deadline is null)
            {
                Report(Codes.MomentWithoutDeadline, mot.Location, $"{where} has no 'deadline', so it can never be hit or missed; add e.g. deadline: within 7d of signup");
            }
        }

        foreach (var ms in journey.Milestones)
        {
            Resolve(ms.Stage, stages, "stage", ms.Location, $"milestone '{ms.Id}'");
        }

        foreach (var ct in journey.CriticalTouchpoints)
        {
            Resolve(ct.Touchpoint, touchpoints, "touchpoint", ct.Location, "a critical touchpoint");
        }

        void CheckCondition(Condition c, string where)
        {
            Resolve(c.EnteredStage, stages, "stage", c.Location, where);
            Resolve(c.StuckInStage, stages, "stage", c.Location, where);
            Resolve(c.MissedMoment, moments, "moment of truth", c.Location, where);
        }

        foreach (var i in journey.Interventions)
        {
            Resolve(i.Stage, stages, "stage", i.Location, $"intervention '{i.Id}'");
            CheckCondition(i.When, $"intervention '{i.Id}'");
        }

        foreach (var s in journey.Sequences)
        {
            Resolve(s.Stage, stages, "stage", s.Location, $"sequence '{s.Id}'");
            CheckCondition(s.Trigger, $"sequence '{s.Id}'");
        }

        return found;
    }

    private static TargetUnit? ExpectedUnit(MetricType type) => type switch
    {
        MetricType.Conversion or MetricType.Retention or MetricType.Csat or MetricType.Rate => TargetUnit.Percent,
        MetricType.TimeBetween => TargetUnit.Duration,
        MetricType.Nps => TargetUnit.Number,
        _ => null,
    };

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
