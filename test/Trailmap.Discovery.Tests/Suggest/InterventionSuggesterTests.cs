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
        var first = report.Suggestions.First(s => s.Gap.What.StartsWith("bottleneck", StringComparison.Ordinal));
        first.Intervention.When.StuckInStage.ShouldBe(bottleneck.FromStage);
        first.Triggered.ShouldBeGreaterThan(0);
        report.Suggestions.ShouldAllBe(s => s.Intervention.Holdout == 0.1);
        report.Suggestions.Select(s => s.Score).ShouldBe(report.Suggestions.Select(s => s.Score).OrderDescending().ToList());
        report.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty();
    }
}
