using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Validation;

/// <summary>References and lint rules of the journey-wide parts: touchpoint spans, customer states, triggers, programs, activation paths, cohorts, roadmap.</summary>
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
}
