using Trailmap.Discovery.Suggest;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Generation;
using Trailmap.Journeys.Templates;
using Trailmap.Journeys.Validation;

namespace Trailmap.Discovery.Tests.Suggest;

public sealed class InterventionSuggesterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private const string TwoStages = """
        version: 1
        id: shop
        title: Shop
        stages:
          - id: browse
            name: Browse
            entry: Visit
            kpis:
              - { id: visits, name: Visits, type: count, event: Visit, target: ">= 1" }
          - id: buy
            name: Buy
            entry: Buy
            pain_points:
              - { id: checkout-long, text: The checkout asks for too much, severity: high }
            opportunities:
              - { id: one-page-checkout, text: A one-page checkout, type: eliminate, priority: high, addresses: [checkout-long] }
            kpis:
              - { id: browse-to-buy, name: Visitors who buy, type: conversion, target: ">= 90%" }
        moments_of_truth:
          - { id: first-buy, name: Buys on day one, stage: buy, condition: Buy, deadline: within 1d of browse }
        """;

    [Fact]
    public void Stuck_and_missed_moment_rules_for_a_missed_conversion_are_backtested_and_ranked()
    {
        // 12 customers visit at T0; 8 buy 1..8 hours later, 4 never. One more event 3 days on extends the history.
        // Conversion 8/12 misses ">= 90%" by 0.9 - 8/12 (the bottleneck too). The 75th percentile of 1..8 hours is
        // the 6th value (nearest rank of 8): 6h. Stuck for 6h fires for the 7h and 8h buyers and the 4 who never
        // buy: 6. The moment (Buy within 1d of the visit) is missed by the 4 who never buy: 4.
        var builder = new EventLogBuilder();
        for (var c = 0; c < 12; c++)
        {
            builder.Add($"c{c:00}", "Visit", T0);
            if (c < 8)
            {
                builder.Add($"c{c:00}", "Buy", T0.AddHours(c + 1));
            }
        }

        builder.Add("c00", "Visit", T0.AddDays(3));
        var journey = JourneyFile.FromText(TwoStages).Journey!;

        var report = InterventionSuggester.Suggest(journey, builder.Build(), cancellationToken: TestContext.Current.CancellationToken);

        var gap = 0.9 - (8.0 / 12);
        report.Suggestions.Select(s => s.Intervention.Id).ShouldBe(["suggest-stuck-browse", "suggest-missed-first-buy"]);
        var stuck = report.Suggestions[0];
        stuck.Intervention.When.StuckFor!.Value.Text.ShouldBe("6h");
        stuck.Intervention.Then.Template.ShouldBe("one-page-checkout");
        stuck.Intervention.Holdout.ShouldBe(0.1);
        stuck.Triggered.ShouldBe(6);
        stuck.Score.ShouldBe(6 * gap, 1e-9);
        var missed = report.Suggestions[1];
        missed.Triggered.ShouldBe(4);
        missed.Score.ShouldBe(4 * gap, 1e-9);
        (report.From, report.To).ShouldBe((new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 6, 0, 0, 0, TimeSpan.Zero)));

        // The written block, added to the journey, validates and carries both rules with their holdouts.
        var withSuggestions = JourneyFile.FromText(TwoStages + report.Yaml);
        withSuggestions.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(report.Yaml);
        withSuggestions.Journey!.Interventions.Select(i => (i.Id, i.Holdout)).ShouldBe([("suggest-stuck-browse", 0.1), ("suggest-missed-first-buy", 0.1)]);
    }

    private const string Funnel = """
        version: 1
        id: trial
        title: Trial
        window: 30d
        stages:
          - id: visit
            name: Visit
            entry: Visit
            kpis:
              - { id: visit-to-signup, name: Visitors who sign up, type: rate, event: Signed Up, target: ">= 40%" }
          - id: signup
            name: Sign up
            entry: Signed Up
            kpis:
              - { id: signup-to-paid, name: Signups who pay, type: rate, of: signup, event: Paid, target: ">= 80%" }
          - id: pay
            name: Pay
            entry: Paid
        """;

    [Fact]
    public void A_drop_off_that_meets_its_kpi_is_no_bottleneck_and_gets_no_rule()
    {
        // 20 customers visit at T0; c00..c09 sign up 1.5h..10.5h later, c00..c03 pay 1.5h..4.5h after signing up.
        // Visit -> signup loses the most (10, against 6 from signup to pay), but its KPI, visitors who sign up (a rate
        // of the visit stage whose event is the signup stage's entry), meets ">= 40%" (10 of 20): a planned drop-off,
        // no bottleneck. Signup -> pay's KPI, signups who pay, is 4 of 10 against ">= 80%": the bottleneck, short by
        // (0.8 - 0.4) / 0.8 = 0.5 of its target, and for suggest a gap of 0.8 - 0.4 = 0.4 points. Stuck in signup: the
        // p75 (nearest rank of 4) of 1.5, 2.5, 3.5, 4.5h is 3.5h, rounded up to 4h; it fires for c03 (4.5h) and the 6
        // who never pay: 7, score 7 x 0.4 = 2.8. No rule for the visit stage: its step has no gap to close.
        var builder = new EventLogBuilder();
        for (var c = 0; c < 20; c++)
        {
            var id = $"c{c:00}";
            builder.Add(id, "Visit", T0);
            if (c < 10)
            {
                var signup = T0.AddHours(c + 1.5);
                builder.Add(id, "Signed Up", signup);
                if (c < 4)
                {
                    builder.Add(id, "Paid", signup.AddHours(c + 1.5));
                }
            }
        }

        builder.Add("c00", "Ping", T0.AddDays(3));
        var journey = JourneyFile.FromText(Funnel).Journey!;
        var log = builder.Build();
        var bottleneck = Trailmap.Analytics.Journeys.JourneyAnalyzer.Analyze(journey, log).Bottleneck!;
        (bottleneck.FromStage, bottleneck.ToStage, bottleneck.Kpi, bottleneck.Lost).ShouldBe(("signup", "pay", "signup-to-paid", 6L));
        bottleneck.Shortfall.ShouldBe(0.5, 1e-9);

        var report = InterventionSuggester.Suggest(journey, log, cancellationToken: TestContext.Current.CancellationToken);

        report.Suggestions.Select(s => s.Intervention.Id).ShouldBe(["suggest-stuck-signup"]);
        var rule = report.Suggestions[0];
        rule.Gap.What.ShouldStartWith("bottleneck signup -> pay: Signups who pay (signup-to-paid) 40% is furthest below its target >= 80%");
        rule.Gap.Shortfall.ShouldBe(0.4, 1e-9);
        rule.Intervention.When.StuckFor!.Value.Text.ShouldBe("4h");
        rule.Triggered.ShouldBe(7);
        rule.Score.ShouldBe(2.8, 1e-9);
    }

    private const string Outcomes = """
        version: 1
        id: shop
        title: Shop
        stages:
          - id: visit
            name: Visit
            entry: Visit
          - id: buy
            name: Buy
            entry: Buy
            pain_points:
              - { id: slow-delivery, text: Delivery takes a week, severity: high }
            opportunities:
              - { id: shipped, text: Free returns, type: add, priority: high, status: done }
              - { id: express, text: Offer express delivery, type: add, priority: medium, addresses: [slow-delivery] }
            kpis:
              - { id: buyer-nps, name: Buyer NPS, type: nps, event: Survey Answered, property: score, target: ">= 30" }
        metrics:
          - { id: revenue, name: Revenue, type: sum, event: Invoice Paid, property: amount, target: ">= 1000" }
        """;

    /// <summary>c0..c3 visit at T0 and buy an hour later (no step loses anyone: no bottleneck); they answer the survey with 10, 0, 0 and 5; c0 and c1 pay 100 and 200.</summary>
    private static EventLog OutcomeLog()
    {
        var builder = new EventLogBuilder();
        double[] scores = [10, 0, 0, 5];
        for (var c = 0; c < 4; c++)
        {
            var id = $"c{c}";
            builder.Add(id, "Visit", T0);
            builder.Add(id, "Buy", T0.AddHours(1));
            builder.Add(id, "Survey Answered", T0.AddHours(2), new Dictionary<string, object?> { ["score"] = scores[c] });
        }

        builder.Add("c0", "Invoice Paid", T0.AddHours(3), new Dictionary<string, object?> { ["amount"] = 100.0 });
        builder.Add("c1", "Invoice Paid", T0.AddHours(3), new Dictionary<string, object?> { ["amount"] = 200.0 });
        return builder.Build();
    }

    [Fact]
    public void Missed_outcome_kpis_get_a_rule_at_their_stage_from_its_open_opportunity()
    {
        // NPS: 1 promoter (10) and 3 detractors (0, 0, 5) of 4 answers: 100 x (1 - 3) / 4 = -50 against >= 30, a gap of
        // (30 + 50) / 30 = 2.667 of the target. Revenue, journey-wide: 100 + 200 = 300 against >= 1000, a gap of 0.7; no
        // stage is entered by Invoice Paid, so it belongs to the last stage, buy, like the NPS. One rule for both:
        // entered buy, messaging buy's open opportunity (express delivery; free returns is done), with the larger gap.
        // It fires for the 4 who entered buy: score 4 x 2.667 = 10.667.
        var journey = JourneyFile.FromText(Outcomes).Journey!;
        var log = OutcomeLog();
        Trailmap.Analytics.Journeys.JourneyAnalyzer.Analyze(journey, log).Bottleneck.ShouldBeNull();

        var report = InterventionSuggester.Suggest(journey, log, cancellationToken: TestContext.Current.CancellationToken);

        report.Unaddressed.ShouldBeEmpty();
        report.Suggestions.Count.ShouldBe(1);
        var rule = report.Suggestions[0];
        rule.Intervention.Id.ShouldBe("suggest-buy-for-buyer-nps");
        rule.Intervention.When.EnteredStage.ShouldBe("buy");
        rule.Intervention.Then.Template.ShouldBe("express");
        rule.Intervention.Then.Subject.ShouldBe("Offer express delivery (Delivery takes a week)");
        rule.Intervention.Goal!.Event.ShouldBe("Survey Answered");
        rule.Gap.What.ShouldStartWith("missed KPI buyer-nps: ");
        rule.Gap.What.ShouldContain("; missed KPI revenue: ");
        rule.Gap.Shortfall.ShouldBe(80.0 / 30, 1e-9);
        rule.Triggered.ShouldBe(4);
        rule.Score.ShouldBe(4 * 80.0 / 30, 1e-9);
        JourneyFile.FromText(Outcomes + "\n" + report.Yaml).Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(report.Yaml);
    }

    [Fact]
    public void A_missed_kpi_with_nothing_on_the_map_to_build_a_rule_from_says_why()
    {
        // The same history without buy's open opportunity: both KPIs are still missed, and no rule can be written.
        var bare = Outcomes.Replace("      - { id: express, text: Offer express delivery, type: add, priority: medium, addresses: [slow-delivery] }\n", "", StringComparison.Ordinal);
        bare.ShouldNotBe(Outcomes);
        var journey = JourneyFile.FromText(bare).Journey!;

        var report = InterventionSuggester.Suggest(journey, OutcomeLog(), cancellationToken: TestContext.Current.CancellationToken);

        report.Suggestions.ShouldBeEmpty();
        report.Unaddressed.Count.ShouldBe(2);
        report.Unaddressed[0].ShouldStartWith("missed KPI buyer-nps: ");
        report.Unaddressed[0].ShouldEndWith("no rule: its stage buy has no open opportunity on the map to build a message from (add one, with the pain point it answers, and suggest again)");
        report.Unaddressed[1].ShouldStartWith("missed KPI revenue: ");
        report.Yaml.ShouldContain("# missed KPI buyer-nps: ");
    }

    [Fact]
    public void The_demo_journey_gets_backtested_rules_for_its_bottleneck()
    {
        var journey = JourneyFile.FromText(TemplateCatalog.ReadYaml("saas-trial")).Journey!;
        var builder = new EventLogBuilder();
        foreach (var m in EventGenerator.Generate(journey, new GeneratorOptions { Customers = 3000, Seed = 7 }).Where(m => m.Type == MessageType.Track))
        {
            builder.Add(m.UserId, m.Event!, m.Timestamp, m.Properties);
        }

        var log = builder.Build();
        var bottleneck = Trailmap.Analytics.Journeys.JourneyAnalyzer.Analyze(journey, log).Bottleneck!;

        var report = InterventionSuggester.Suggest(journey, log, cancellationToken: TestContext.Current.CancellationToken);

        report.Suggestions.ShouldNotBeEmpty();
        // The bottleneck gets a stuck rule at the stage its step leaves (and may get missed-moment rules too).
        var forBottleneck = report.Suggestions.First(s => s.Gap.What.StartsWith("bottleneck", StringComparison.Ordinal) && s.Intervention.When.StuckInStage is not null);
        forBottleneck.Intervention.When.StuckInStage.ShouldBe(bottleneck.FromStage);
        forBottleneck.Triggered.ShouldBeGreaterThan(0);

        // The demo's largest drop-off, visitors who never sign up, meets its KPI (visitors who start a trial, ">= 3%"),
        // so it is not the bottleneck: that is a step whose target is missed, and its rule ranks by that gap.
        bottleneck.FromStage.ShouldNotBe("discover");
        bottleneck.Kpi.ShouldNotBeNull();
        bottleneck.Shortfall.ShouldBeGreaterThan(0);
        forBottleneck.Score.ShouldBeGreaterThan(0);
        report.Suggestions.ShouldAllBe(s => s.Intervention.Holdout == 0.1);
        report.Suggestions.Select(s => s.Score).ShouldBe(report.Suggestions.Select(s => s.Score).OrderDescending().ToList());
        report.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty();
    }
}
