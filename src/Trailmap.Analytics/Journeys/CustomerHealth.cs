using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>One customer's health score as the analysis computes it, for listing every customer rather than the worst 20.</summary>
public sealed record CustomerHealthScore(string Customer, double Score, string Band, string WeakestComponent);

/// <summary>Health scores per customer, from the journey's health model.</summary>
public static class CustomerHealth
{
    /// <summary>
    /// Every scored customer's health as of <paramref name="asOf"/> (default: the end of the data), lowest first.
    /// The population rule is the analysis's: customers whose first event is not after the moment and who reached the
    /// model's stage when it names one.
    /// </summary>
    public static IReadOnlyList<CustomerHealthScore> Score(Journey journey, EventLog log, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(log);
        if (journey.Health is not { Components.Count: > 0 } model)
        {
            return [];
        }

        var population = model.Stage is { } s && journey.FindStage(s)?.Entry is { } entry ? new EventMatcher(log, entry) : null;
        var now = EventLogBuilder.ToMicros(asOf ?? JourneyAnalyzer.End(log));
        var scorer = new HealthScorer(model, log);
        var scores = new List<CustomerHealthScore>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            if (log.Timestamps[log.Offsets[c]] > now || population?.First(c) is < 0)
            {
                continue;
            }

            if (scorer.Score(c, now, null, null) is { } score)
            {
                scores.Add(new CustomerHealthScore(log.Customers[c], score.Score, HealthModel.Band(score.Score), score.Weakest));
            }
        }

        return [.. scores.OrderBy(x => x.Score).ThenBy(x => x.Customer, StringComparer.Ordinal)];
    }
}
