using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Interventions;

/// <summary>Puts together a journey's <see cref="RuleBoard"/>: its measured version, lift, pauses and outbox counts.</summary>
public sealed class InterventionService(JourneyStore journeys, AnalysisService analysis, LiftService lift, RulePauses pauses, OutboxCounts counts)
{
    public RulePauses Pauses => pauses;

    /// <summary>The board for the journey's latest version, or null when there is no such journey.</summary>
    public async Task<RuleBoard?> BoardAsync(string slug, CancellationToken cancel)
    {
        if (journeys.Find(slug) is not { } stored)
        {
            return null;
        }

        var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), cancel).ConfigureAwait(false);
        var lifted = await lift.MeasureAsync(measured, cancel).ConfigureAwait(false);
        return RuleBoard.Build(measured, lifted, pauses.Paused(stored.Slug), counts.ByRule(stored.Slug));
    }
}
