using Trailmap.Analytics.Funnels;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Funnels;

/// <summary>Hand-computed levels for every mode and tie rule in docs/analytics-semantics.md. Events are "name@second".</summary>
public sealed class FunnelModeTests
{
    private static int Level(string events, string steps, double windowSeconds = 10, string modes = "", FunnelReentry reentry = FunnelReentry.Latest, string exclusions = "")
    {
        var spec = new FunnelSpec
        {
            Steps = [.. steps.Split(' ').Select(s => new FunnelStep(s))],
            Window = Duration.FromSeconds(windowSeconds),
            Modes = FunnelModesParser.Parse(modes),
            Reentry = reentry,
            Exclusions = [.. exclusions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new FunnelStep(s))],
        };
        return FunnelEngine.Run(TestLogs.Build(TestLogs.One(events)), spec).CustomerLevel("u");
    }

    // a@0 starts; b@5 and c@10 are within 0 + 10 (the boundary is inclusive): 3.
    [Fact]
    public void Window_is_inclusive() => Level("a@0 b@5 c@10", "a b c").ShouldBe(3);

    // c@11 is after 0 + 10: the chain stops at 2.
    [Fact]
    public void Step_after_the_window_does_not_count() => Level("a@0 b@5 c@11", "a b c").ShouldBe(2);

    // All at t=0: pairs sort by step, so a (step 1) then b (step 2) then c (step 3) even though they arrived c, b, a: 3.
    [Fact]
    public void Same_timestamp_events_count_in_step_order() => Level("c@0 b@0 a@0", "a b c").ShouldBe(3);

    // Latest: a@0 b@1 reaches 2 (window ends at 10). a@8 starts a newer chain; c@15 is within 8 + 10 but c needs b
    // first in that chain, b@12 gives it: a@8 b@12 c@15 = 3.
    [Fact]
    public void Latest_reentry_lets_a_later_step_one_restart_the_window() => Level("a@0 b@1 a@8 b@12 c@15", "a b c").ShouldBe(3);

    // First: the window stays [0, 10]; a@8 is inside it so it does not restart; b@12 and c@15 are outside: 2.
    [Fact]
    public void First_reentry_keeps_the_first_window() => Level("a@0 b@1 a@8 b@12 c@15", "a b c", reentry: FunnelReentry.First).ShouldBe(2);

    // First: a@11 is after the first window closed (0 + 10), so it opens a new one: a@11 b@12 c@15 = 3.
    [Fact]
    public void First_reentry_starts_again_once_the_window_has_closed() => Level("a@0 a@11 b@12 c@15", "a b c", reentry: FunnelReentry.First).ShouldBe(3);

    // Levels already reached are kept: the old chain reached 2, the newer a@20 reaches only 1: the customer has 2.
    [Fact]
    public void A_newer_chain_never_lowers_the_level() => Level("a@0 b@1 a@20", "a b c").ShouldBe(2);

    // The same event name as steps 1 and 2 (a, a, b): default mode lets one event fill both steps (ClickHouse):
    // a@0 is step 1 and step 2, b@3 is step 3 = 3.
    [Fact]
    public void Repeated_name_one_event_fills_two_steps_by_default() => Level("a@0 b@3", "a a b").ShouldBe(3);

    // strict-once: a@0 can only be one step, so a a b needs two a events: a@0 b@3 = 1 (b cannot skip step 2).
    [Fact]
    public void Strict_once_one_event_fills_one_step() => Level("a@0 b@3", "a a b", modes: "strict-once").ShouldBe(1);

    // strict-once with a second a: a@0 (step 1), a@2 (step 2), b@3 = 3.
    [Fact]
    public void Strict_once_two_events_fill_both_steps() => Level("a@0 a@2 b@3", "a a b", modes: "strict-once").ShouldBe(3);

    // strict-once landing: steps a, b, "b where p == 1". At t=1 b#1 (p=1, arrived first) matches steps 2 and 3, b#2
    // (p=0) only step 2. Pairs in order: (step 2, b#1) (step 2, b#2) (step 3, b#1). Greedy would give b#1 to step 2
    // and then have nothing for step 3 (level 2); keeping both choices lands b#2 on step 2 and b#1 on step 3 = 3.
    [Fact]
    public void Strict_once_lands_each_event_where_the_chain_goes_furthest()
    {
        List<TestEvent> events = [new("u", "a", 0), new("u", "b", TestLogs.Second, 1), new("u", "b", TestLogs.Second, 0)];
        var spec = new FunnelSpec
        {
            Steps = [new("a"), new("b"), new("b", Filter.Parse("p == 1"))],
            Modes = FunnelModes.StrictOnce,
        };
        FunnelEngine.Run(TestLogs.Build(events), spec).CustomerLevel("u").ShouldBe(3);
    }

    // strict-increase: b@0 has the same timestamp as a@0, so it cannot be step 2; b@1 can: a@0 b@1 = 2 then c@1
    // ties with b@1: not strictly later, so 2.
    [Fact]
    public void Strict_increase_needs_strictly_later_timestamps() => Level("a@0 b@0 c@1 b@1", "a b c", modes: "strict-increase").ShouldBe(2);

    // strict-increase considers every chain, unlike ClickHouse's one-chain-per-level state: a@0 b@5 reaches 2, the newer
    // a@6 b@7 also reaches 2; c@7 ties with b@7 so the newer chain cannot take it, but the older can (7 > 5, 7 <= 0 + 10) = 3.
    [Fact]
    public void Strict_increase_an_older_chain_can_still_advance() => Level("a@0 b@5 a@6 b@7 c@7", "a b c", modes: "strict-increase").ShouldBe(3);

    // Default mode on the same log: a@0, b@0, c@1 = 3.
    [Fact]
    public void Without_strict_increase_ties_advance() => Level("a@0 b@0 c@1 b@1", "a b c").ShouldBe(3);

    // strict-order: x@2 matches no step and comes after step 1: the scan ends with level 2 (a@0 b@1).
    [Fact]
    public void Strict_order_other_event_between_steps_ends_the_scan() => Level("a@0 b@1 x@2 c@3", "a b c", modes: "strict-order").ShouldBe(2);

    // strict-order ignores unmatched events before the first step-1 event: x@0 a@1 b@2 c@3 = 3.
    [Fact]
    public void Strict_order_ignores_events_before_the_first_step_one() => Level("x@0 a@1 b@2 c@3", "a b c", modes: "strict-order").ShouldBe(3);

    // strict-order: c@1 arrives before any chain reached step 2: the scan ends at level 1.
    [Fact]
    public void Strict_order_step_before_its_predecessor_ends_the_scan() => Level("a@0 c@1 b@2 c@3", "a b c", modes: "strict-order").ShouldBe(1);

    // strict-order,allow-reentry: c@1 is skipped instead; a@0 b@2 c@3 = 3.
    [Fact]
    public void Allow_reentry_skips_a_step_before_its_predecessor() => Level("a@0 c@1 b@2 c@3", "a b c", modes: "strict-order,allow-reentry").ShouldBe(3);

    // allow-reentry still ends on an unmatched event: a@0 b@1 x@2 c@3 = 2.
    [Fact]
    public void Allow_reentry_still_ends_on_an_unmatched_event() => Level("a@0 b@1 x@2 c@3", "a b c", modes: "strict-order,allow-reentry").ShouldBe(2);

    // strict-order: an unmatched event at the same timestamp as a step sorts before it (ClickHouse stores it as
    // step 0): a@0 b@1 x@1 — x is read before b, so the scan ends at level 1.
    [Fact]
    public void Strict_order_unmatched_tie_sorts_before_steps() => Level("a@0 b@1 x@1 c@2", "a b c", modes: "strict-order").ShouldBe(1);

    // strict-dedup: b@2 repeats step 2, which a@0 b@1 already matched: the scan ends at 2; c@3 is never read.
    [Fact]
    public void Strict_dedup_repeat_ends_the_scan() => Level("a@0 b@1 b@2 c@3", "a b c", modes: "strict-dedup").ShouldBe(2);

    // Default mode on the same log: a@0 b@1 c@3 = 3.
    [Fact]
    public void Without_strict_dedup_repeats_are_harmless() => Level("a@0 b@1 b@2 c@3", "a b c").ShouldBe(3);

    // strict-dedup never fires on step 1 (ClickHouse): a@0 a@1 b@2 c@3 = 3.
    [Fact]
    public void Strict_dedup_lets_step_one_repeat() => Level("a@0 a@1 b@2 c@3", "a b c", modes: "strict-dedup").ShouldBe(3);

    // Combined: strict-order,strict-increase: a@0 b@0 is not strictly later, b@1 is; c@2 = 3.
    [Fact]
    public void Modes_combine() => Level("a@0 b@0 b@1 c@2", "a b c", modes: "strict-order,strict-increase").ShouldBe(3);

    // unordered: c@0 a@3 b@9 are 3 distinct steps inside [0, 10] = 3.
    [Fact]
    public void Unordered_counts_distinct_steps_in_any_order() => Level("c@0 a@3 b@9", "a b c", modes: "unordered").ShouldBe(3);

    // unordered: windows [0,10] holds c, a; [3,13] holds a; [12,22] holds b: best 2.
    [Fact]
    public void Unordered_window_starts_at_any_step_event() => Level("c@0 a@3 b@12", "a b c", modes: "unordered").ShouldBe(2);

    // Exclusion x@4 is inside the window of the chain started at a@0 (0 < 4 <= 10): the customer is removed.
    [Fact]
    public void Exclusion_inside_an_open_window_removes_the_customer() => Level("a@0 b@1 x@4 c@5", "a b c", exclusions: "x").ShouldBe(0);

    // Exclusion x@11 is after 0 + 10: the customer keeps level 3.
    [Fact]
    public void Exclusion_after_the_window_is_ignored() => Level("a@0 b@1 c@5 x@11", "a b c", exclusions: "x").ShouldBe(3);

    // Exclusion x@0 at the chain start's own timestamp is not after the start: kept at 2.
    [Fact]
    public void Exclusion_at_the_start_instant_is_ignored() => Level("x@0 a@0 b@1", "a b", exclusions: "x").ShouldBe(2);

    [Fact]
    public void Unknown_mode_names_the_allowed_values()
    {
        var e = Should.Throw<FormatException>(() => FunnelModesParser.Parse("strict-order,sloppy"));
        e.Message.ShouldContain("'sloppy'");
        e.Message.ShouldContain("strict-order, strict-increase, strict-dedup, strict-once, allow-reentry, unordered");
    }

    [Fact]
    public void Allow_reentry_needs_strict_order() =>
        Should.Throw<FormatException>(() => FunnelModesParser.Parse("allow-reentry")).Message.ShouldContain("strict-order");
}
