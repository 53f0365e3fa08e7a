using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>A frequency per customer over a period, such as sessions per user per week.</summary>
public sealed class FrequencyKpiTests
{
    private const string Yaml = """
        id: app
        title: App
        stages:
          - id: use
            name: Use
            entry: Signed Up
            kpis:
              - { id: weekly, name: Sessions per user per week, type: frequency, event: Session Started, period: week, target: ">= 2" }
              - { id: daily, name: Sessions per user per day, type: frequency, event: Session Started, period: day }
              - { id: monthly, name: Sessions per user per month, type: frequency, event: Session Started, period: month }
              - { id: exports, name: Exports per user per week, type: frequency, event: Exported, period: week }
        """;

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, KpiAnalysis> Kpis()
    {
        var journey = JourneyFile.FromText(Yaml).Journey!;
        var b = new EventLogBuilder();
        void E(string c, string name, double days) => b.Add(c, name, T0.AddDays(days), null);
        // c1: sessions on days 0, 1, 8, 13 (4). c2: days 2 and 14 (2). c3 signed up and never started a session.
        // The data spans day 0 to day 14: 14 days, 2 weeks.
        E("c1", "Signed Up", 0);
        E("c1", "Session Started", 0);
        E("c1", "Session Started", 1);
        E("c1", "Session Started", 8);
        E("c1", "Session Started", 13);
        E("c2", "Signed Up", 2);
        E("c2", "Session Started", 2);
        E("c2", "Session Started", 14);
        E("c3", "Signed Up", 3);
        return JourneyAnalyzer.Analyze(journey, b.Build()).Kpis.ToDictionary(k => k.Id);
    }

    [Fact]
    public void Sessions_per_user_per_week_is_events_over_customers_with_one_over_weeks_of_data()
    {
        var k = Kpis();
        // 6 sessions / 2 customers with a session / 2 weeks = 1.5; 25% short of >= 2: missed.
        k["weekly"].Actual!.Value.ShouldBe(1.5, 1e-12);
        k["weekly"].Status.ShouldBe(TargetStatus.Missed);
        k["weekly"].Detail.ShouldBe("6 events by 2 customers over 2 weeks");
        // Per day: 6 / 2 / 14 days.
        k["daily"].Actual!.Value.ShouldBe(6.0 / 2 / 14, 1e-12);
        k["daily"].StatusWord.ShouldBe("no target");
    }

    [Fact]
    public void Less_data_than_one_period_counts_as_one_period_and_no_events_is_no_data()
    {
        var k = Kpis();
        // 14 days is less than a 30-day month: 6 / 2 / 1 = 3, not extrapolated.
        k["monthly"].Actual!.Value.ShouldBe(3, 1e-12);
        k["monthly"].Detail.ShouldBe("6 events by 2 customers over 1 months");
        k["exports"].Actual.ShouldBeNull();
        k["exports"].StatusWord.ShouldBe("no data");
    }

    [Fact]
    public void A_frequency_without_a_period_is_an_error_at_its_line()
    {
        var file = JourneyFile.FromText("""
            id: app
            title: App
            stages:
              - id: use
                name: Use
                entry: Signed Up
                kpis:
                  - { id: weekly, name: Weekly sessions, type: frequency, event: Session Started, target: ">= 2" }
            """);
        file.HasErrors.ShouldBeTrue();
        var error = file.Diagnostics.Single(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ToString();
        error.ShouldStartWith("journey.yaml:8:");
        error.ShouldContain("needs 'period': day, week or month");
    }
}
