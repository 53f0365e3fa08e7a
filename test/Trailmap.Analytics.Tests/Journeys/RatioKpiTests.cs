using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>A ratio of two events, such as a click-through rate: matching events over denominator events.</summary>
public sealed class RatioKpiTests
{
    private const string Yaml = """
        id: ads
        title: Ads
        stages:
          - id: see
            name: See
            entry: Ad Shown
            kpis:
              - { id: ctr, name: CTR, type: ratio, event: Ad Clicked, denominator: Ad Shown, target: ">= 2%" }
              - { id: ctr-feed, name: Feed CTR, type: ratio, event: { event: Ad Clicked, where: 'placement == "feed"' }, denominator: { event: Ad Shown, where: 'placement == "feed"' }, target: "3%" }
              - { id: per-signup, name: Clicks per signup, type: ratio, event: Ad Clicked, denominator: Signed Up }
        """;

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, KpiAnalysis> Kpis()
    {
        var journey = JourneyFile.FromText(Yaml).Journey!;
        var b = new EventLogBuilder();
        static IReadOnlyDictionary<string, object?> At(string placement) => new Dictionary<string, object?> { ["placement"] = placement };
        // 40 impressions: 30 in the feed, 10 in the sidebar, over four customers.
        for (var i = 0; i < 40; i++)
        {
            b.Add($"c{i % 4}", "Ad Shown", T0.AddMinutes(i), At(i < 30 ? "feed" : "side"));
        }

        // 1 click in the feed, 1 click in the sidebar (c0, c1); c3 clicked the feed ad again.
        b.Add("c0", "Ad Clicked", T0.AddHours(1), At("feed"));
        b.Add("c1", "Ad Clicked", T0.AddHours(2), At("side"));
        b.Add("c3", "Ad Clicked", T0.AddHours(3), At("feed"));
        return JourneyAnalyzer.Analyze(journey, b.Build()).Kpis.ToDictionary(k => k.Id);
    }

    [Fact]
    public void Ctr_is_clicks_over_impressions_in_the_targets_unit()
    {
        var k = Kpis();
        // 3 clicks / 40 impressions = 7.5%, at least 2%: met.
        k["ctr"].Actual!.Value.ShouldBe(3.0 / 40, 1e-12);
        k["ctr"].Display.ShouldBe("7.5%");
        k["ctr"].Status.ShouldBe(TargetStatus.Met);
        k["ctr"].Detail.ShouldBe("3 / 40 events");
    }

    [Fact]
    public void Filters_apply_to_both_sides_and_a_bare_percentage_means_at_least()
    {
        var k = Kpis();
        // Feed only: 2 clicks / 30 impressions = 6.67%, at least 3%: met.
        k["ctr-feed"].Actual!.Value.ShouldBe(2.0 / 30, 1e-12);
        k["ctr-feed"].Status.ShouldBe(TargetStatus.Met);
        k["ctr-feed"].Detail.ShouldBe("2 / 30 events");
    }

    [Fact]
    public void No_denominator_events_is_no_data_never_zero_or_infinity()
    {
        var k = Kpis();
        k["per-signup"].Actual.ShouldBeNull();
        k["per-signup"].Detail.ShouldBe("3 / 0 events");
        k["per-signup"].StatusWord.ShouldBe("no data");
    }
}
