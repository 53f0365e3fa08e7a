using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>
/// One small journey and five customers, every expected number worked out by hand in the comments.
/// Times are hours after 2026-01-01T00:00Z.
/// </summary>
public sealed class JourneyAnalyzerTests
{
    private const string Yaml = """
        id: t
        title: Tiny
        personas:
          - { id: team, name: Team, traits: 'plan == "team"' }
          - { id: solo, name: Solo, traits: 'plan == "solo"' }
        stages:
          - id: visit
            name: Visit
            entry: Visited
            emotion: 3
            kpis: [{ id: visit-signup, name: Visitors who sign up, type: rate, event: Signed Up, target: ">= 50%" }]
          - id: signup
            name: Signup
            entry: Signed Up
            emotion: 4
            kpis: [{ id: conv-signup, name: Visit to signup, type: conversion, target: ">= 80%" }]
            ideal: { emotion: 5, targets: { conv-signup: ">= 90%" } }
          - id: paid
            name: Paid
            entry: { event: Paid, where: 'amount > 0' }
            kpis:
              - { id: conv-paid, name: Signup to paid, type: conversion, target: ">= 50%" }
              - { id: ttv, name: Time to pay, type: time-between, from: signup, to: paid, target: "< 2d" }
              - { id: nps, name: NPS, type: nps, event: Survey, property: score, target: ">= 0" }
              - { id: csat, name: CSAT, type: csat, event: Rated, property: stars, target: ">= 50%" }
              - { id: revenue, name: Revenue, type: sum, event: Paid, property: amount, target: ">= 100" }
              - { id: payments, name: Payments, type: count, event: Paid, target: ">= 3" }
              - { id: per-signup, name: Payments per signup, type: ratio, event: Paid, denominator: Signed Up, target: ">= 1" }
        moments_of_truth:
          - { id: fast-pay, name: Fast pay, stage: paid, condition: Paid, deadline: within 1d of signup }
        health:
          components:
            - { id: recency, name: Visit recency, type: recency, event: Visited, good: 1d, bad: 11d }
        """;

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static JourneyAnalysis Analyze()
    {
        var journey = JourneyFile.FromText(Yaml).Journey!;
        var b = new EventLogBuilder();
        void E(string c, string name, double hours, params (string K, object V)[] props) =>
            b.Add(c, name, T0.AddHours(hours), props.Length == 0 ? null : props.ToDictionary(p => p.K, p => (object?)p.V));
        E("c1", "Visited", 0);
        E("c1", "Signed Up", 1);
        E("c1", "Paid", 13, ("amount", 50.0));
        E("c1", "Survey", 14, ("score", 10.0));
        E("c1", "Rated", 14, ("stars", 5.0));
        E("c2", "Visited", 0);
        E("c2", "Signed Up", 2);
        E("c2", "Paid", 3, ("amount", 0.0));
        E("c2", "Paid", 74, ("amount", 70.0));
        E("c2", "Survey", 75, ("score", 3.0));
        E("c3", "Visited", 0);
        E("c3", "Signed Up", 5);
        E("c4", "Visited", 0);
        E("c5", "Visited", 10);
        static IReadOnlyDictionary<string, object?> Plan(string p) => new Dictionary<string, object?> { ["plan"] = p };
        b.WithTraits(new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            ["c1"] = Plan("team"),
            ["c2"] = Plan("team"),
            ["c3"] = Plan("solo"),
            ["c4"] = Plan("solo"),
            ["c5"] = Plan("solo"),
        });
        return JourneyAnalyzer.Analyze(journey, b.Build());
    }

    [Fact]
    public void Stage_reach_conversion_drop_off_and_time_to_stage()
    {
        var a = Analyze();
        // Visit: all five. Signup: c1, c2, c3. Paid needs amount > 0: c1 at 13h and c2 at 74h (its 3h payment is 0).
        a.Stages.Select(s => s.Reached).ShouldBe([5L, 3L, 2L]);
        a.Stages[0].ConversionFromPrevious.ShouldBeNull();
        a.Stages[1].ConversionFromPrevious!.Value.ShouldBe(3.0 / 5, 1e-9);
        a.Stages[2].ConversionFromPrevious!.Value.ShouldBe(2.0 / 3, 1e-9);
        // Drop-off: 1 - 3/5 and 1 - 2/3; the last stage has none.
        a.Stages[0].DropOff!.Value.ShouldBe(0.4, 1e-9);
        a.Stages[1].DropOff!.Value.ShouldBe(1.0 / 3, 1e-9);
        a.Stages[2].DropOff.ShouldBeNull();
        // Visit to signup took 1h, 2h, 5h: nearest-rank median is the 2nd of 3 = 2h. Signup to paid 12h and 72h: the 1st of 2 = 12h.
        a.Stages[1].MedianTimeToStageSeconds.ShouldBe(2 * 3600);
        a.Stages[2].MedianTimeToStageSeconds.ShouldBe(12 * 3600);
    }

    [Fact]
    public void Every_kpi_type_gets_its_actual_and_status()
    {
        var k = Analyze().Kpis.ToDictionary(x => x.Id);
        // 3 of the 5 visitors signed up after visiting: 60% against >= 50%.
        k["visit-signup"].Actual!.Value.ShouldBe(0.6, 1e-9);
        k["visit-signup"].Status.ShouldBe(TargetStatus.Met);
        // 60% against >= 80% is more than 10% (relative) short: missed.
        k["conv-signup"].Actual!.Value.ShouldBe(0.6, 1e-9);
        k["conv-signup"].Status.ShouldBe(TargetStatus.Missed);
        k["conv-signup"].IdealStatus.ShouldBe(TargetStatus.Missed);
        k["conv-paid"].Actual!.Value.ShouldBe(2.0 / 3, 1e-9);
        k["conv-paid"].Status.ShouldBe(TargetStatus.Met);
        // First signup to first paying payment: 12h (c1) and 72h (c2); median 12h < 2d.
        k["ttv"].Actual.ShouldBe(12 * 3600);
        k["ttv"].Status.ShouldBe(TargetStatus.Met);
        // Scores 10 and 3: one promoter, one detractor of two answers: NPS 0.
        k["nps"].Actual.ShouldBe(0);
        k["nps"].Status.ShouldBe(TargetStatus.Met);
        // One rating of 5 stars: 100% satisfied.
        k["csat"].Actual.ShouldBe(1);
        // Every Paid event counts for the sum and the count: 50 + 0 + 70 = 120, and 3 events.
        k["revenue"].Actual.ShouldBe(120);
        k["payments"].Actual.ShouldBe(3);
        // 3 Paid over 3 Signed Up events.
        k["per-signup"].Actual.ShouldBe(1);
    }

    [Fact]
    public void Time_to_value_reports_median_p90_and_share_within_target()
    {
        var t = Analyze().TimeToValue.Single();
        t.Started.ShouldBe(3);
        t.Reached.ShouldBe(2);
        t.MedianSeconds.ShouldBe(12 * 3600);
        // Nearest rank: p90 of two values is the 2nd.
        t.P90Seconds.ShouldBe(72 * 3600);
        // Only c1 paid within 2d of signing up: 1 of the 3 who signed up.
        t.ShareWithinTarget!.Value.ShouldBe(1.0 / 3, 1e-9);
    }

    [Fact]
    public void A_moment_of_truth_counts_customers_meeting_the_condition_within_the_deadline()
    {
        var m = Analyze().MomentsOfTruth.Single();
        // Anchor: signing up (c1, c2, c3). Any Paid within 1d after: c1 (12h later) and c2 (its 0-amount payment 1h later).
        m.Eligible.ShouldBe(3);
        m.Hit.ShouldBe(2);
    }

    [Fact]
    public void Survey_answers_belong_to_the_stage_the_customer_was_in()
    {
        var paid = Analyze().Stages.Single(s => s.Id == "paid");
        // Both surveys and the rating came after their customer reached Paid.
        paid.Responses.ShouldBe(3);
        paid.Nps.ShouldBe(0);
        paid.Csat.ShouldBe(1);
        // CSAT 100% maps to the top of the 1..5 scale.
        paid.MeasuredEmotion.ShouldBe(5);
    }

    [Fact]
    public void Personas_break_down_stage_reach_through_their_trait_bindings()
    {
        var p = Analyze().Personas.ToDictionary(x => x.Id);
        p["team"].Customers.ShouldBe(2);
        p["team"].Reached.Values.ShouldBe([2L, 2L, 2L]);
        p["solo"].Customers.ShouldBe(3);
        p["solo"].Reached.Values.ShouldBe([3L, 1L, 0L]);
    }

    [Fact]
    public void The_bottleneck_is_the_transition_furthest_below_its_target()
    {
        var b = Analyze().Bottleneck!;
        // Visit to signup: 60% against 80% (25% short); signup to paid meets its 50%.
        b.FromStage.ShouldBe("visit");
        b.ToStage.ShouldBe("signup");
        b.Lost.ShouldBe(2);
    }

    [Fact]
    public void Health_scores_recency_linearly_between_bad_and_good()
    {
        var h = Analyze().Health!;
        // As of the last event (75h). c1-c4 last visited at 0h: 3.125 days ago, (3.125 - 11) / (1 - 11) = 0.7875 -> 78.75.
        // c5 at 10h: 65h = 2.708 days ago -> 82.92. Average (4 x 78.75 + 82.917) / 5 = 79.58.
        h.Scored.ShouldBe(5);
        h.Average!.Value.ShouldBe(((4 * 78.75) + (100 * (11 - (65.0 / 24)) / 10)) / 5, 1e-6);
        h.Green.ShouldBe(5);
        h.AtRiskCount.ShouldBe(0);
        // No customer existed 30 days before: no trend.
        h.PreviousAverage.ShouldBeNull();
    }

    [Fact]
    public void The_gap_to_the_ideal_shows_designed_ideal_and_measured()
    {
        var gaps = Analyze().IdealGaps;
        var emotion = gaps.Single(g => g.What == "emotion");
        (emotion.Designed, emotion.Ideal).ShouldBe(("4", "5"));
        var kpi = gaps.Single(g => g.What == "Visit to signup");
        kpi.Ideal.ShouldBe(">= 90%");
        kpi.Measured.ShouldBe("60%");
        kpi.Status.ShouldBe(TargetStatus.Missed);
    }

    [Fact]
    public void Actuals_carry_what_the_map_draws()
    {
        var actuals = Analyze().ToActuals(T0);
        actuals.Journey.ShouldBe("t");
        actuals.Stages.Select(s => s.Reached).ShouldBe([5L, 3L, 2L]);
        actuals.ForKpi("conv-paid")!.Status.ShouldBe(TargetStatus.Met);
        actuals.ForMoment("fast-pay")!.HitRate!.Value.ShouldBe(2.0 / 3, 1e-9);
        actuals.Bottleneck.ShouldBe("signup");
    }
}

/// <summary>Time to first value between two events inside one stage, as the customer-success framework measures it.</summary>
public sealed class TimeBetweenEventsTests
{
    [Fact]
    public void From_and_to_may_be_events_instead_of_stages()
    {
        var journey = JourneyFile.FromText("""
            id: cs
            title: CS
            stages:
              - id: onboard
                name: Onboarding
                entry: Contract Signed
                kpis:
                  - { id: ttfv, name: Time to first value, type: time-between, from: { event: Contract Signed }, to: { event: Workflow Completed, where: 'first == true' }, target: "< 14d" }
            """);
        journey.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ShouldBeEmpty();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var log = new EventLogBuilder()
            // a: signed day 0, a workflow without the flag on day 2 (does not count), the first one on day 10.
            .Add("a", "Contract Signed", t0)
            .Add("a", "Workflow Completed", t0.AddDays(2), new Dictionary<string, object?> { ["first"] = false })
            .Add("a", "Workflow Completed", t0.AddDays(10), new Dictionary<string, object?> { ["first"] = true })
            // b: signed day 0, first workflow on day 20.
            .Add("b", "Contract Signed", t0)
            .Add("b", "Workflow Completed", t0.AddDays(20), new Dictionary<string, object?> { ["first"] = true })
            .Build();
        var kpi = JourneyAnalyzer.Analyze(journey.Journey!, log).Kpis.Single();
        // Times 10d and 20d: the nearest-rank median of two is the first, 10d, under the 14d target.
        kpi.Actual.ShouldBe(10 * 86400);
        kpi.Status.ShouldBe(TargetStatus.Met);
    }
}
