using Trailmap.Automation.Lift;
using Trailmap.Journeys.Model;

namespace Trailmap.Discovery.Discover;

/// <summary>
/// Moment-of-truth candidates among the events that are not stages (a later stage goes with conversion by
/// construction). The cohort is every customer who reached the anchor stage (<see cref="JourneyDiscoverer.Anchor"/>);
/// converted means reaching the last stage at or after it. A customer is exposed to event e when their first e
/// happened no later than the deadline after their anchor entry and, for a converted customer, before the last stage
/// (so what follows conversion, like an invoice, is not mistaken for its cause). The deadline is the median time
/// converted customers took from the anchor to the last stage.
/// </summary>
internal static class MomentFinder
{
    public static IReadOnlyList<MomentCandidate> Find(FirstTimes times, IReadOnlyList<int> chain, int anchor, Duration deadline, DiscoveryOptions options)
    {
        var log = times.Log;
        var last = chain[^1];
        var within = (long)(deadline.Span.Ticks / 10);
        var found = new List<MomentCandidate>();
        for (var e = 0; e < times.Count; e++)
        {
            if (chain.Contains(e))
            {
                continue;
            }

            long exposed = 0, exposedConverted = 0, unexposed = 0, unexposedConverted = 0;
            for (var c = 0; c < log.CustomerCount; c++)
            {
                var start = times.First(c, anchor);
                if (start < 0)
                {
                    continue;
                }

                var end = times.FirstAtOrAfter(c, last, start);
                var first = times.First(c, e);
                var isExposed = first >= 0 && log.Timestamps[first] <= log.Timestamps[start] + within && (end < 0 || first < end);
                var converted = end >= 0;
                if (isExposed)
                {
                    exposed++;
                    exposedConverted += converted ? 1 : 0;
                }
                else
                {
                    unexposed++;
                    unexposedConverted += converted ? 1 : 0;
                }
            }

            if (exposed < options.MinCustomers || unexposed < options.MinCustomers)
            {
                continue;
            }

            var lift = ProportionDifference.Newcombe(exposedConverted, exposed, unexposedConverted, unexposed);
            if (lift.Low > 0)
            {
                found.Add(new MomentCandidate(times.Candidates[e], deadline, exposed, exposedConverted, unexposed, unexposedConverted, lift));
            }
        }

        return [.. found.OrderByDescending(m => m.Lift.Low).ThenBy(m => m.Event, StringComparer.Ordinal).Take(options.MaxMoments)];
    }
}
