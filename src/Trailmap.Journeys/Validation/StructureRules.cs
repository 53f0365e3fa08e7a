using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Validation;

/// <summary>References and lint rules of the journey-wide parts: touchpoint spans, customer states, triggers, programs, activation paths, flows, cohorts, roadmap.</summary>
internal static class StructureRules
{
    public delegate void Resolver(string? reference, HashSet<string> known, string kind, SourceLocation at, string where);

    public static void Check(Journey journey, HashSet<string> stages, HashSet<string> metrics, Resolver resolve, Action<DiagnosticCode, SourceLocation, string> report)
    {
        var opportunities = journey.AllOpportunities().Select(o => o.Id).ToHashSet();
        void Each(IReadOnlyList<string> refs, HashSet<string> known, string kind, IReadOnlyDictionary<string, SourceLocation> at, SourceLocation fallback, string key, string where)
        {
            for (var i = 0; i < refs.Count; i++)
            {
                resolve(refs[i], known, kind, JourneyValidator.ItemAt(at, key, i, fallback), where);
            }
        }

        foreach (var t in journey.AllTouchpoints())
        {
            Each(t.Stages, stages, "stage", t.ValueLocations, t.Location, "stages", $"touchpoint '{t.Id}'");
        }

        foreach (var c in journey.CustomerStates)
        {
            Each(c.Stages, stages, "stage", c.ValueLocations, c.Location, "stages", $"customer state '{c.Id}'");
        }

        foreach (var t in journey.Triggers)
        {
            Each(t.Stages, stages, "stage", t.ValueLocations, t.Location, "stages", $"trigger '{t.Id}'");
        }

        foreach (var p in journey.Programs)
        {
            Each(p.Stages, stages, "stage", p.ValueLocations, p.Location, "stages", $"program '{p.Id}'");
            Each(p.Kpis, metrics, "KPI", p.ValueLocations, p.Location, "kpis", $"program '{p.Id}'");
        }

        foreach (var a in journey.ActivationPaths)
        {
            var where = $"activation path '{a.Id}'";
            resolve(a.Stage, stages, "stage", a.ValueLocations.Of("stage", a.Location), where);
            Each(a.Kpis, metrics, "KPI", a.ValueLocations, a.Location, "kpis", where);
            Unit(a.TimeToValue, TargetUnit.Duration, "time_to_value", "a duration such as \"<= 14d\"");
            Unit(a.Rate, TargetUnit.Percent, "rate", "a percentage such as \">= 60%\"");
            if (a.TimeToValue is null && a.Rate is null && !a.ValueLocations.ContainsKey("time_to_value") && !a.ValueLocations.ContainsKey("rate"))
            {
                report(Codes.ActivationWithoutTarget, a.Location, $"{where} has neither 'time_to_value' nor 'rate', so nothing says how fast or how many; add e.g. time_to_value: \"<= 14d\"");
            }

            void Unit(Target? target, TargetUnit unit, string key, string example)
            {
                if (target is not null && target.Unit != unit)
                {
                    report(Codes.UnitMismatch, a.ValueLocations.Of(key, a.Location), $"'{key}' of {where} is '{target}', a {target.Unit.ToString().ToLowerInvariant()}; write {example}");
                }
            }
        }

        Flows(journey, stages, resolve, report);

        foreach (var c in journey.CohortTargets)
        {
            resolve(c.Kpi, metrics, "KPI", c.ValueLocations.Of("kpi", c.Location), $"cohort target '{c.Id}'");
        }

        foreach (var r in journey.Roadmap)
        {
            var where = $"roadmap item '{r.Id}'";
            Each(r.Opportunities, opportunities, "opportunity", r.ValueLocations, r.Location, "opportunities", where);
            Each(r.Kpis, metrics, "KPI", r.ValueLocations, r.Location, "kpis", where);
            if (r.Opportunities.Count == 0 && r.Kpis.Count == 0)
            {
                report(Codes.RoadmapItemUnlinked, r.Location, $"{where} names no opportunity it delivers and no KPI it should move; add 'opportunities: [id]' or 'kpis: [id]'");
            }
        }
    }

    /// <summary>
    /// Each flow's stage and touchpoint links resolve; a flow has at least two steps (TM111); and the steps' stages, a
    /// step's own or its touchpoint's, never go back to an earlier stage than the step before reached (TM112).
    /// </summary>
    private static void Flows(Journey journey, HashSet<string> stages, Resolver resolve, Action<DiagnosticCode, SourceLocation, string> report)
    {
        var touchpoints = journey.AllTouchpoints().Select(t => t.Id).ToHashSet();
        var order = journey.Stages.Select((s, i) => (s.Id, i)).GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.First().i);
        var home = journey.Stages.SelectMany((s, i) => s.Touchpoints.Select(t => (t.Id, i))).GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.First().i);
        foreach (var f in journey.Flows)
        {
            var where = $"flow '{f.Id}'";
            resolve(f.Stage, stages, "stage", f.ValueLocations.Of("stage", f.Location), where);
            resolve(f.Touchpoint, touchpoints, "touchpoint", f.ValueLocations.Of("touchpoint", f.Location), where);
            if (f.Steps.Count == 1)
            {
                report(Codes.FlowTooShort, f.ValueLocations.Of("steps", f.Location), $"{where} has one step, '{f.Steps[0].Name}', so it leads nowhere; "
                    + "list every step in order, e.g. steps: [Landing, Signup, Onboarding]");
            }

            (int Index, string Name)? reached = null;
            for (var i = 0; i < f.Steps.Count; i++)
            {
                var step = f.Steps[i];
                var at = $"step {i + 1} ('{step.Name}') of {where}";
                resolve(step.Stage, stages, "stage", step.ValueLocations.Of("stage", step.Location), at);
                resolve(step.Touchpoint, touchpoints, "touchpoint", step.ValueLocations.Of("touchpoint", step.Location), at);
                int? index = step.Stage is { } s && order.TryGetValue(s, out var si) ? si
                    : step.Touchpoint is { } t && home.TryGetValue(t, out var ti) ? ti : null;
                if (index is not { } here)
                {
                    continue;
                }

                if (reached is { } before && here < before.Index)
                {
                    report(Codes.FlowRunsBackwards, step.Location, $"{at} is in stage '{journey.Stages[here].Id}', before stage '{journey.Stages[before.Index].Id}' "
                        + $"where step '{before.Name}' already was; put the steps in the order the customer takes them, or link the step to its own stage");
                }

                reached = reached is { } r && r.Index > here ? r : (here, step.Name);
            }
        }
    }
}
