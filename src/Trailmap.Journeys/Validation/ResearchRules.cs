using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Validation;

/// <summary>References of the research parts: a finding's stages and personas, an insight's findings, stages and opportunities.</summary>
internal static class ResearchRules
{
    public static void Check(Journey journey, HashSet<string> stages, HashSet<string> personas, StructureRules.Resolver resolve)
    {
        var findings = journey.Findings.Select(f => f.Id).ToHashSet();
        var opportunities = journey.AllOpportunities().Select(o => o.Id).ToHashSet();
        void Each(IReadOnlyList<string> refs, HashSet<string> known, string kind, IReadOnlyDictionary<string, SourceLocation> at, SourceLocation fallback, string key, string where)
        {
            for (var i = 0; i < refs.Count; i++)
            {
                resolve(refs[i], known, kind, JourneyValidator.ItemAt(at, key, i, fallback), where);
            }
        }

        foreach (var f in journey.Findings)
        {
            Each(f.Stages, stages, "stage", f.ValueLocations, f.Location, "stages", $"finding '{f.Id}'");
            Each(f.Personas, personas, "persona", f.ValueLocations, f.Location, "personas", $"finding '{f.Id}'");
        }

        foreach (var i in journey.Insights)
        {
            Each(i.Findings, findings, "finding", i.ValueLocations, i.Location, "findings", $"insight '{i.Id}'");
            Each(i.Stages, stages, "stage", i.ValueLocations, i.Location, "stages", $"insight '{i.Id}'");
            Each(i.Opportunities, opportunities, "opportunity", i.ValueLocations, i.Location, "opportunities", $"insight '{i.Id}'");
        }
    }
}
