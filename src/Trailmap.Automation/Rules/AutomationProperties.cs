using Trailmap.Analytics.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Rules;

/// <summary>The event properties the rules read, so a loader parses only those (plus what the analyzer reads).</summary>
public static class AutomationProperties
{
    public static IReadOnlySet<string> Used(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var used = new HashSet<string>(JourneyAnalyzer.PropertiesUsed(journey), StringComparer.Ordinal);
        void Add(EventCondition? c)
        {
            if (c?.Where is { } w)
            {
                used.UnionWith(w.Properties());
            }
        }

        void AddCondition(Condition c)
        {
            Add(c.Event);
            Add(c.InactiveEvent);
            if (c.TraitChanged is { } trait)
            {
                used.Add(trait);
            }
        }

        foreach (var i in journey.Interventions)
        {
            AddCondition(i.When);
            Add(i.Goal);
        }

        foreach (var s in journey.Sequences)
        {
            AddCondition(s.Trigger);
            Add(s.Exit);
        }

        return used;
    }
}
