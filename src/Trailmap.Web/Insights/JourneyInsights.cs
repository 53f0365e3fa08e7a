using System.Runtime.CompilerServices;
using Trailmap.Analytics.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Insights;

/// <summary>
/// What the insight pages derive from one measured journey beyond the analysis itself: every customer's stage entry
/// times and health scores. Computed on first use and kept as long as the measurement is: keyed on its
/// <see cref="Journey"/> instance, which <see cref="AnalysisService"/> creates once per (journey version, data version)
/// and drops when either changes, so new events or a new version never meet stale numbers.
/// </summary>
public sealed class JourneyInsights
{
    private static readonly ConditionalWeakTable<Journey, JourneyInsights> Cache = new();

    private readonly Lazy<StageEntries> entries;
    private readonly Lazy<IReadOnlyList<CustomerHealthScore>> health;

    private JourneyInsights(MeasuredJourney measured)
    {
        entries = new Lazy<StageEntries>(() => StageEntries.Measure(measured.Journey, measured.Log));
        health = new Lazy<IReadOnlyList<CustomerHealthScore>>(() => CustomerHealth.Score(measured.Journey, measured.Log));
    }

    public StageEntries Entries => entries.Value;

    /// <summary>Every scored customer's health, lowest first; empty when the journey has no health model.</summary>
    public IReadOnlyList<CustomerHealthScore> Health => health.Value;

    public static JourneyInsights Of(MeasuredJourney measured) => Cache.GetValue(measured.Journey, _ => new JourneyInsights(measured));
}
