using Shouldly;
using Trailmap.Automation.Lift;
using Trailmap.Automation.Planning;
using Trailmap.Automation.Rules;
using Trailmap.Events;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Lift;

public sealed class LiftCalculatorTests
{
    [Fact]
    public void Treated_and_held_out_goal_conversion_within_the_window()
    {
        var journey = Journey("""
            interventions:
              - { id: nudge, name: N, when: { event: Trial Started }, then: { channel: slack, message: n }, goal: Paid, holdout: 50% }
              - { id: nogoal, name: G, when: { event: Trial Started }, then: { channel: slack, message: n } }
            """);
        var b = new EventLogBuilder();
        var ids = Enumerable.Range(0, 40).Select(i => "c" + i).ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            b.Add(id, "Trial Started", T("2026-01-01"));
            b.Add(id, "Trial Started", T("2026-01-03"));   // a second firing: each customer still counts once, from Jan 1
            if (i % 3 == 0)
            {
                b.Add(id, "Paid", T("2026-01-10"));        // 9 days after the first trigger: converted
            }
            else if (i % 3 == 1)
            {
                b.Add(id, "Paid", T("2026-01-20"));        // 19 days: outside the 14-day window
            }
        }

        b.Add("late", "Trial Started", T("2026-01-25"));  // its window closes Feb 8, after the data ends: pending
        b.Add("x", "Page Viewed", T("2026-02-01"));         // the end of the data
        var log = b.Build();
        var triggers = new RuleEvaluator(journey, log).Evaluate(T("2026-02-01"));

        var lift = LiftCalculator.Measure(journey, log, triggers).ShouldHaveSingleItem();

        // The expected split, written out from the holdout assignment (tested against sha256sum elsewhere).
        var held = ids.Where(id => Holdout.IsHeldOut("nudge", id, 0.5)).ToList();
        var treated = ids.Except(held).ToList();
        static bool Converts(string id) => int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0;
        (lift.RuleId, lift.Goal, lift.Window.Text).ShouldBe(("nudge", "Paid", "14d"));
        (lift.Treated, lift.HeldOut, lift.Pending).ShouldBe((treated.Count, held.Count, 1L));
        lift.TreatedConverted.ShouldBe(treated.Count(Converts));
        lift.HeldOutConverted.ShouldBe(held.Count(Converts));
        lift.Lift.ShouldBe(ProportionDifference.Newcombe(treated.Count(Converts), treated.Count, held.Count(Converts), held.Count));
        (treated.Count + held.Count).ShouldBe(40);
        held.Count.ShouldBeInRange(1, 39);
    }

    [Fact]
    public void A_goal_before_the_trigger_is_not_a_conversion_and_empty_groups_have_no_lift()
    {
        var journey = Journey("""
            interventions:
              - { id: nudge, name: N, when: { event: Trial Started }, then: { channel: slack, message: n }, goal: Paid }
            """);
        var log = Log(("a", "Paid", "2026-01-01"), ("a", "Trial Started", "2026-01-02"), ("b", "Trial Started", "2026-01-02"), ("b", "Paid", "2026-01-02 00:01"), ("z", "X", "2026-03-01"));

        var lift = LiftCalculator.Measure(journey, log, new RuleEvaluator(journey, log).Evaluate(T("2026-03-01"))).Single();

        // a paid before its trigger (no); b a minute after (yes). No holdout: no held-out group, no interval.
        (lift.Treated, lift.TreatedConverted, lift.HeldOut, lift.Lift).ShouldBe((2L, 1L, 0L, (Interval?)null));
    }
}
