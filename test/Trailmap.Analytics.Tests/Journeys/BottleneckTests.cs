using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Journeys;

/// <summary>
/// The one definition of the bottleneck (docs/analyze.md): the step furthest below a target that measures it, else the
/// untargeted step that loses the most customers, else none. Three stages, visit -> signup -> pay; every expected
/// number is worked out in the comments.
/// </summary>
public sealed class BottleneckTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A visit -> signup -> pay journey with the given KPI lines on the visit and pay stages.</summary>
    private static Journey Trial(string visitKpis, string payKpis) => JourneyFile.FromText($"""
        version: 1
        id: trial
        title: Trial
        stages:
          - id: visit
            name: Visit
            entry: Visit
            kpis: [{visitKpis}]
          - id: signup
            name: Sign up
            entry: Signed Up
            pain_points:
              - {"{"} id: long-form, text: The form is long, severity: medium {"}"}
          - id: pay
            name: Pay
            entry: Paid
            kpis: [{payKpis}]
        """).Journey!;

    /// <summary><paramref name="visits"/> customers visit; the first <paramref name="signups"/> sign up an hour later, the first <paramref name="paid"/> of them pay an hour after that.</summary>
    private static EventLog Log(int visits, int signups, int paid)
    {
        var b = new EventLogBuilder();
        for (var c = 0; c < visits; c++)
        {
            var id = $"c{c:00}";
            b.Add(id, "Visit", T0);
            if (c < signups)
            {
                b.Add(id, "Signed Up", T0.AddHours(1));
            }

            if (c < paid)
            {
                b.Add(id, "Paid", T0.AddHours(2));
            }
        }

        return b.Build();
    }

    private const string VisitRate = "{ id: visit-to-signup, name: Visitors who sign up, type: rate, event: Signed Up, target: '>= 40%' }";

    private static string PayConversion(string target) => $"{{ id: signup-to-paid, name: Signups who pay, type: conversion, target: '{target}' }}";

    [Fact]
    public void A_step_that_meets_its_rate_target_is_no_bottleneck_however_many_it_loses()
    {
        // 20 visit, 10 sign up (50% >= 40%: met, 10 lost), 4 pay (4/10 = 40% against >= 80%: missed, 6 lost).
        // The rate KPI counts visitors who reach the next stage's entry event, so it measures visit -> signup.
        // Shortfall (0.8 - 0.4) / 0.8 = 0.5.
        var journey = Trial(VisitRate, PayConversion(">= 80%"));

        var b = JourneyAnalyzer.Analyze(journey, Log(20, 10, 4)).Bottleneck!;

        (b.FromStage, b.ToStage, b.Kpi, b.Lost).ShouldBe(("signup", "pay", "signup-to-paid", 6L));
        b.Target!.Text.ShouldBe(">= 80%");
        b.Actual!.Value.ShouldBe(0.4, 1e-9);
        b.Conversion!.Value.ShouldBe(0.4, 1e-9);
        b.Shortfall.ShouldBe(0.5, 1e-9);
        b.Reason.ShouldBe("Signups who pay (signup-to-paid) 40% is furthest below its target >= 80%");
    }

    [Fact]
    public void Of_two_missed_steps_the_one_furthest_below_its_target_relative_to_it_wins_not_the_one_that_loses_more()
    {
        // 20 visit, 6 sign up: 30% against >= 40% misses by (0.4 - 0.3) / 0.4 = 0.25 and loses 14.
        // 2 of 6 pay: 33.3% against >= 80% misses by (0.8 - 1/3) / 0.8 = 0.5833 and loses 4.
        var journey = Trial(VisitRate, PayConversion(">= 80%"));

        var b = JourneyAnalyzer.Analyze(journey, Log(20, 6, 2)).Bottleneck!;

        (b.FromStage, b.ToStage, b.Lost).ShouldBe(("signup", "pay", 4L));
        b.Shortfall.ShouldBe((0.8 - (1.0 / 3)) / 0.8, 1e-9);
    }

    [Fact]
    public void A_miss_within_the_at_risk_margin_still_falls_short()
    {
        // 10 of 20 sign up: 50% against >= 40% is met. 7 of 10 pay: 70% against >= 75% is 5 points short, within
        // 10% of 75% (7.5 points), so "at risk"; it still falls short, by (0.75 - 0.7) / 0.75 = 0.0667.
        var journey = Trial(VisitRate, PayConversion(">= 75%"));

        var analysis = JourneyAnalyzer.Analyze(journey, Log(20, 10, 7));

        analysis.Kpis.Single(k => k.Id == "signup-to-paid").Status.ShouldBe(TargetStatus.AtRisk);
        var b = analysis.Bottleneck!;
        (b.FromStage, b.ToStage, b.Kpi).ShouldBe(("signup", "pay", "signup-to-paid"));
        b.Shortfall.ShouldBe(0.05 / 0.75, 1e-9);
    }

    [Fact]
    public void When_no_step_falls_short_the_untargeted_step_that_loses_the_most_is_the_bottleneck()
    {
        // 20 visit, 10 sign up (50% >= 40%: met, loses 10 as planned), 6 pay (no target: loses 4).
        var journey = Trial(VisitRate, "");

        var b = JourneyAnalyzer.Analyze(journey, Log(20, 10, 6)).Bottleneck!;

        (b.FromStage, b.ToStage, b.Target, b.Kpi, b.Lost, b.Shortfall).ShouldBe(("signup", "pay", (Target?)null, (string?)null, 4L, 0.0));
        b.Reason.ShouldBe("the largest drop-off of the steps without a target: 4 customers do not go on");
        // The pain points and opportunities are those of the stage the step leads into.
        b.PainPoints.ShouldBeEmpty();
    }

    [Fact]
    public void Without_any_target_it_is_the_largest_drop_off()
    {
        // 10 visit, 7 sign up (loses 3), 2 pay (loses 5).
        var b = JourneyAnalyzer.Analyze(Trial("", ""), Log(10, 7, 2)).Bottleneck!;

        (b.FromStage, b.ToStage, b.Lost).ShouldBe(("signup", "pay", 5L));
        b.Conversion!.Value.ShouldBe(2.0 / 7, 1e-9);

        // 10 visit, 4 sign up (loses 6), 2 pay (loses 2): the first step, whose stage has the pain point.
        var first = JourneyAnalyzer.Analyze(Trial("", ""), Log(10, 4, 2)).Bottleneck!;
        (first.FromStage, first.ToStage, first.Lost).ShouldBe(("visit", "signup", 6L));
        first.PainPoints.Select(p => p.Id).ShouldBe(["long-form"]);
    }

    [Fact]
    public void When_every_step_meets_its_targets_there_is_none()
    {
        // 10 of 20 sign up (50% >= 40%), 8 of 10 pay (80% >= 70%).
        var analysis = JourneyAnalyzer.Analyze(Trial(VisitRate, PayConversion(">= 70%")), Log(20, 10, 8));

        analysis.Bottleneck.ShouldBeNull();
        analysis.ToActuals(T0).Bottleneck.ShouldBeNull();
    }

    [Fact]
    public void Nobody_lost_and_nobody_measured_mean_none()
    {
        var j = Trial("", "");
        JourneyAnalyzer.Analyze(j, Log(5, 5, 5)).Bottleneck.ShouldBeNull();
        JourneyAnalyzer.Analyze(j, new EventLogBuilder().Build()).Bottleneck.ShouldBeNull();
    }

    [Fact]
    public void A_rate_KPI_of_a_stage_measures_the_step_out_of_it_and_a_conversion_KPI_its_own_step()
    {
        var journey = Trial(VisitRate, PayConversion(">= 50%"));
        var rate = journey.Stages[0].Kpis[0];
        Bottleneck.Measures(journey, rate, "visit", "signup").ShouldBeTrue();
        Bottleneck.Measures(journey, rate, "signup", "pay").ShouldBeFalse();
        // Any event: the share of the stage's customers who go on to do something (here, join the newsletter).
        var other = rate with { Event = new EventCondition { Event = "Newsletter Joined" } };
        Bottleneck.Measures(journey, other, "visit", "signup").ShouldBeTrue();
        var conversion = journey.Stages[2].Kpis[0];
        Bottleneck.Measures(journey, conversion, "signup", "pay").ShouldBeTrue();
        Bottleneck.Measures(journey, conversion, "visit", "signup").ShouldBeFalse();
    }

    [Fact]
    public void A_missed_rate_of_a_stage_makes_the_step_out_of_it_the_bottleneck_even_when_its_conversion_is_met()
    {
        // As in the saas-trial template: signups who create a workspace (a rate of the signup stage) miss their target
        // while the conversion into the next stage meets its own. 20 visit, 10 sign up (50% >= 40%), 8 pay: the
        // conversion 80% meets >= 70%, but the rate of signups who pay, 80% against >= 95%, falls short by
        // (0.95 - 0.8) / 0.95 = 0.158: signup -> pay is the bottleneck.
        var journey = JourneyFile.FromText("""
            version: 1
            id: trial
            title: Trial
            stages:
              - { id: visit, name: Visit, entry: Visit, kpis: [{ id: visit-to-signup, name: Visitors who sign up, type: rate, event: Signed Up, target: '>= 40%' }] }
              - { id: signup, name: Sign up, entry: Signed Up, kpis: [{ id: signup-paid-rate, name: Signups who pay, type: rate, event: Paid, target: '>= 95%' }] }
              - { id: pay, name: Pay, entry: Paid, kpis: [{ id: signup-to-paid, name: Conversion, type: conversion, target: '>= 70%' }] }
            """).Journey!;

        var b = JourneyAnalyzer.Analyze(journey, Log(20, 10, 8)).Bottleneck!;

        (b.FromStage, b.ToStage, b.Kpi).ShouldBe(("signup", "pay", "signup-paid-rate"));
        b.Shortfall.ShouldBe(0.15 / 0.95, 1e-9);
    }
}
