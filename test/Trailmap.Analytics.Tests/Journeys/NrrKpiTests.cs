using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>Net revenue retention from revenue events, over the last two whole periods of the data.</summary>
public sealed class NrrKpiTests
{
    private const string Yaml = """
        id: saas
        title: SaaS
        stages:
          - id: pay
            name: Pay
            entry: Invoice Paid
            kpis:
              - { id: nrr, name: NRR, type: nrr, event: Invoice Paid, property: amount, period: month, target: "115%" }
              - { id: nrr-day, name: Daily NRR, type: nrr, event: Refund, property: amount, period: day }
        """;

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Nrr_is_this_periods_revenue_of_last_periods_customers_over_their_last_period_revenue()
    {
        var journey = JourneyFile.FromText(Yaml).Journey!;
        var b = new EventLogBuilder();
        void Paid(string c, double day, double amount) =>
            b.Add(c, "Invoice Paid", T0.AddDays(day), new Dictionary<string, object?> { ["amount"] = amount });
        // The last event is on day 60: this month is (day 30, day 60], the base month (day 0, day 30].
        // Day 0 itself is before the base month: a's 1000 there does not count.
        Paid("a", 0, 1000);
        Paid("a", 20, 100);  // a: base 100, this month 150 (expansion)
        Paid("a", 45, 150);
        Paid("b", 30, 200);  // b: base 200 (day 30 is the end of the base month), this month 160 (contraction)
        Paid("b", 60, 160);
        Paid("c", 10, 100);  // c: base 100, nothing this month (churned)
        Paid("d", 50, 500);  // d: new this month, not counted
        var k = JourneyAnalyzer.Analyze(journey, b.Build()).Kpis.ToDictionary(x => x.Id);
        // (150 + 160 + 0) / (100 + 200 + 100) = 310 / 400 = 77.5%, far below 115%: missed.
        k["nrr"].Actual!.Value.ShouldBe(0.775, 1e-12);
        k["nrr"].Display.ShouldBe("77.5%");
        k["nrr"].Status.ShouldBe(TargetStatus.Missed);
        k["nrr"].Detail.ShouldBe("310 of 400 from 3 customers");
        // No Refund events: no base revenue, no data.
        k["nrr-day"].Actual.ShouldBeNull();
        k["nrr-day"].StatusWord.ShouldBe("no data");
    }
}
