using System.Collections.Concurrent;
using Trailmap.Analytics.Events;
using Trailmap.Analytics.Journeys;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Analysis;

/// <summary>A journey version measured against the events as they were at <see cref="DataVersion"/>.</summary>
public sealed record MeasuredJourney(
    StoredJourney Stored,
    JourneyVersion Version,
    Journey Journey,
    EventLog Log,
    JourneyAnalysis Analysis,
    JourneyActuals Actuals,
    long DataVersion);

/// <summary>
/// Measures journeys for pages and the API, once per (journey version, data version): the first request after
/// new events pays for the analysis, the rest read the cached result.
/// </summary>
public sealed class AnalysisService(EventData data, TimeProvider time)
{
    private readonly ConcurrentDictionary<(long Journey, int Version), MeasuredJourney> cache = new();

    public async Task<MeasuredJourney> MeasureAsync(StoredJourney stored, JourneyVersion version, CancellationToken cancel = default)
    {
        var at = data.Version;
        if (cache.TryGetValue((stored.Id, version.Version), out var hit) && hit.DataVersion == at)
        {
            return hit with { Stored = stored };
        }

        var journey = JourneyStore.Parse(version.Yaml, stored.Slug + ".yaml").Journey!;
        var log = await data.LogAsync(JourneyAnalyzer.PropertiesUsed(journey), cancel).ConfigureAwait(false);
        var analysis = await Task.Run(() => JourneyAnalyzer.Analyze(journey, log), cancel).ConfigureAwait(false);
        var measured = new MeasuredJourney(stored, version, journey, log, analysis, analysis.ToActuals(time.GetUtcNow()), at);
        cache[(stored.Id, version.Version)] = measured;
        return measured;
    }
}
