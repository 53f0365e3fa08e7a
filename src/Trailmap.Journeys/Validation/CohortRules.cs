using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Validation;

/// <summary>The lint rules of the <c>cohorts:</c> section: a cohort whose own rules rule every customer out.</summary>
internal static class CohortRules
{
    public static void Check(Journey journey, Action<DiagnosticCode, SourceLocation, string> report)
    {
        foreach (var cohort in journey.Cohorts)
        {
            foreach (var no in cohort.DidNot)
            {
                // A did_not with no window forbids the event anywhere; one with a window forbids it in that window.
                // Either way a did entry that needs the same event at least once in a window inside it cannot hold.
                var clash = cohort.Did.FirstOrDefault(yes => yes.AtLeast > 0 && SameEvent(yes.Event, no.Event)
                    && (no.Of is null || (yes.Of is not null && SameEvent(yes.Of, no.Of) && Covers(no.Within, yes.Within))));
                if (clash is not null)
                {
                    report(Codes.CohortCannotMatch, no.Location,
                        $"cohort '{cohort.Id}' needs '{clash.Event}' in 'did' and forbids it in 'did_not' over a window that covers it, so no customer can be a member; remove one of the two or give them different windows");
                }
            }
        }
    }

    private static bool SameEvent(EventCondition a, EventCondition b) =>
        a.Event == b.Event && (a.Where?.ToString() ?? "") == (b.Where?.ToString() ?? "");

    /// <summary>Whether a window of <paramref name="outer"/> after the same event contains one of <paramref name="inner"/>.</summary>
    private static bool Covers(Duration? outer, Duration? inner) =>
        outer is null || (inner is not null && inner.Value.Span <= outer.Value.Span);
}
