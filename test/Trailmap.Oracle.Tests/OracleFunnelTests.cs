using Shouldly;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;

namespace Trailmap.Oracle.Tests;

/// <summary>The oracle's funnel SQL against tiny logs whose answers are worked out by hand in the comments.</summary>
public sealed class OracleFunnelTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresOracle oracle = new(database);

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Window_includes_its_last_microsecond_and_nothing_after()
    {
        // Window 10 min from A at 10:00 ends at 10:10:00.000000 inclusive.
        // on-time: C exactly at 10:10:00 -> level 3. late: C one microsecond later -> stops at B, level 2.
        await Load(new TinyLog()
            .Add("on-time", "A", "2024-03-01 10:00:00").Add("on-time", "B", "2024-03-01 10:05:00").Add("on-time", "C", "2024-03-01 10:10:00")
            .Add("late", "A", "2024-03-01 10:00:00").Add("late", "B", "2024-03-01 10:05:00").Add("late", "C", "2024-03-01 10:10:00.000001"));
        var funnel = new OracleFunnel(["A", "B", "C"], TimeSpan.FromMinutes(10));

        (await oracle.FunnelLevelsAsync(funnel, Ct)).ShouldBe(Levels(("on-time", 3), ("late", 2)), ignoreOrder: true);
        // Both reached 1 and 2, only on-time reached 3.
        (await oracle.FunnelCountsAsync(funnel, Ct)).ShouldBe([2, 2, 1]);
    }

    [Fact]
    public async Task Latest_reentry_restarts_the_window_first_does_not_and_reached_levels_are_kept()
    {
        // restart: A 09:00, A 09:45, B 10:30, window 1 h.
        //   latest: the 09:45 chain reaches B at 10:30 <= 10:45 -> 2. first: 09:45 is inside the window the 09:00
        //   event opened (until 10:00), so it starts nothing, and B is past 10:00 -> 1.
        // kept: A 09:00, B 09:30, A 11:00: level 2 reached by the first chain stays after the new start -> 2 both ways.
        await Load(new TinyLog()
            .Add("restart", "A", "2024-03-01 09:00:00").Add("restart", "A", "2024-03-01 09:45:00").Add("restart", "B", "2024-03-01 10:30:00")
            .Add("kept", "A", "2024-03-01 09:00:00").Add("kept", "B", "2024-03-01 09:30:00").Add("kept", "A", "2024-03-01 11:00:00"));

        var latest = new OracleFunnel(["A", "B"], Hour);
        (await oracle.FunnelLevelsAsync(latest, Ct)).ShouldBe(Levels(("restart", 2), ("kept", 2)), ignoreOrder: true);
        (await oracle.FunnelLevelsAsync(latest with { Reentry = OracleReentry.First }, Ct))
            .ShouldBe(Levels(("restart", 1), ("kept", 2)), ignoreOrder: true);
    }

    [Fact]
    public async Task Events_at_the_same_timestamp_count_in_step_order_not_arrival_order()
    {
        // tie: B arrives before A but both at 10:00:00; same-timestamp events count in step order -> A then B -> 2.
        // before: B one second before A really is before it -> 1.
        await Load(new TinyLog()
            .Add("tie", "B", "2024-03-01 10:00:00").Add("tie", "A", "2024-03-01 10:00:00")
            .Add("before", "B", "2024-03-01 09:59:59").Add("before", "A", "2024-03-01 10:00:00"));
        var funnel = new OracleFunnel(["A", "B"], Hour);

        (await oracle.FunnelLevelsAsync(funnel, Ct)).ShouldBe(Levels(("tie", 2), ("before", 1)), ignoreOrder: true);
        // strict-order numbers events by (ts, step, seq) too, so A and B are adjacent in step order -> still 2.
        (await oracle.FunnelLevelsAsync(funnel with { Mode = OracleFunnelMode.StrictOrder }, Ct))
            .ShouldBe(Levels(("tie", 2), ("before", 1)), ignoreOrder: true);
    }

    [Fact]
    public async Task One_event_can_fill_two_consecutive_steps_with_the_same_name_by_default()
    {
        // SEMANTICS: "One event may satisfy several steps", and only `strict-once` forbids using it twice in a chain.
        // ClickHouse files an event once per satisfied step, (ts, 1) then (ts, 2), and processes them in that order,
        // so the lone view of `one` reaches step 1 and then step 2 -> 2. `buy`: its single view fills steps 1 and 2 and
        // the purchase 10 min later is step 3 -> 3.
        await Load(new TinyLog()
            .Add("one", "view", "2024-03-01 10:00:00")
            .Add("buy", "view", "2024-03-01 10:00:00").Add("buy", "purchase", "2024-03-01 10:10:00"));

        var funnel = new OracleFunnel(["view", "view", "purchase"], Hour);
        (await oracle.FunnelLevelsAsync(funnel, Ct)).ShouldBe(Levels(("one", 2), ("buy", 3)), ignoreOrder: true);
        (await oracle.FunnelLevelsAsync(funnel with { Mode = OracleFunnelMode.StrictOrder }, Ct))
            .ShouldBe(Levels(("one", 2), ("buy", 3)), ignoreOrder: true);
    }

    [Fact]
    public async Task Property_filters_compare_the_property_text()
    {
        // samsung's view does not match step 1 (brand must be apple): no step-1 event, so no level at all.
        // apple: view{brand: apple, price: 35.79} then purchase -> 2; the number 35.79 matches the filter text "35.79".
        await Load(new TinyLog()
            .Add("samsung", "view", "2024-03-01 10:00:00", """{"brand": "samsung", "price": 35.79}""")
            .Add("samsung", "purchase", "2024-03-01 10:01:00")
            .Add("apple", "view", "2024-03-01 10:00:00", """{"brand": "apple", "price": 35.79}""")
            .Add("apple", "purchase", "2024-03-01 10:01:00"));
        var step1 = new OracleStep("view", new Dictionary<string, string> { ["brand"] = "apple", ["price"] = "35.79" });

        (await oracle.FunnelLevelsAsync(new OracleFunnel([step1, "purchase"], Hour), Ct)).ShouldBe(Levels(("apple", 2)));
    }

    [Fact]
    public async Task Strict_order_is_broken_by_any_event_in_between()
    {
        // broken: A, X, B, C: X (matches no step) sits between A and B -> strict 1; default ignores X -> 3.
        // clean:  A, B, C back to back -> 3 both ways.
        // again:  A, X, A, B: X is an interruption after the first step-1 event, which ends the whole scan
        //         (ClickHouse strict_order); the later A never counts -> strict 1; default ignores X -> 2.
        await Load(new TinyLog()
            .Add("broken", "A", "2024-03-01 10:00:00").Add("broken", "X", "2024-03-01 10:01:00")
            .Add("broken", "B", "2024-03-01 10:02:00").Add("broken", "C", "2024-03-01 10:03:00")
            .Add("clean", "A", "2024-03-01 10:00:00").Add("clean", "B", "2024-03-01 10:01:00").Add("clean", "C", "2024-03-01 10:02:00")
            .Add("again", "A", "2024-03-01 10:00:00").Add("again", "X", "2024-03-01 10:01:00")
            .Add("again", "A", "2024-03-01 10:02:00").Add("again", "B", "2024-03-01 10:03:00"));
        var funnel = new OracleFunnel(["A", "B", "C"], Hour);

        (await oracle.FunnelLevelsAsync(funnel with { Mode = OracleFunnelMode.StrictOrder }, Ct))
            .ShouldBe(Levels(("broken", 1), ("clean", 3), ("again", 1)), ignoreOrder: true);
        (await oracle.FunnelLevelsAsync(funnel, Ct))
            .ShouldBe(Levels(("broken", 3), ("clean", 3), ("again", 2)), ignoreOrder: true);
    }

    [Fact]
    public async Task Strict_order_tries_both_uses_of_an_event_that_fills_two_steps()
    {
        // Steps: 1 = A{p: 1}, 2 = A, 3 = B. Events A{p:1}, A{p:2}, B, one minute apart.
        // Taking the first event as steps 1 and 2 leaves A{p:2} next, which is not B -> 2; taking A{p:2} as step 2
        // makes B the very next event -> 3. The best chain counts, so 3 (a greedy walk would wrongly say 2).
        await Load(new TinyLog()
            .Add("c", "A", "2024-03-01 10:00:00", """{"p": "1"}""")
            .Add("c", "A", "2024-03-01 10:01:00", """{"p": "2"}""")
            .Add("c", "B", "2024-03-01 10:02:00"));
        var step1 = new OracleStep("A", new Dictionary<string, string> { ["p"] = "1" });
        var funnel = new OracleFunnel([step1, "A", "B"], Hour, OracleFunnelMode.StrictOrder);

        (await oracle.FunnelLevelsAsync(funnel, Ct)).ShouldBe(Levels(("c", 3)));
    }

    [Fact]
    public async Task Strict_order_ends_the_whole_scan_at_the_first_interruption()
    {
        // Steps A, B, C; events one minute apart unless stated; window 1 h. Pairs are read in (ts, step, seq) order.
        // axabc: A X A B C. X matches no step and comes after the first A: the scan ends there, level 1. The later
        //        A B C would be a complete chain, but the reference never reads past the interruption.
        // aabc:  A A B C. The second A is a step-1 event: no interruption, it starts a newer chain; B's predecessor
        //        (step 1) is reached, C's (step 2) is reached -> 3.
        // abac:  A B A C. A starts chain 1, B takes it to 2, the second A starts chain 2 (no interruption). C is
        //        step 3 and its predecessor step 2 has been reached by chain 1, so it is no interruption; chain 1
        //        (started 10:00, C at 10:03 inside the hour) takes it -> 3.
        // abbc:  A B B C. The second B's predecessor (A) is reached: no interruption, nothing new -> C makes 3.
        // acbc:  A C B C. C needs B, which no chain has reached: the scan ends at the first C -> 1.
        // xabc:  X A B C. X comes before the first step-1 event, which the reference ignores -> 3.
        // late:  A@10:00 B@10:01 A@11:30 C@11:31. C's predecessor B was reached (by the 10:00 chain), so C is no
        //        interruption, but 11:31 is past 10:00 + 1 h and the 11:30 chain never reached B -> 2.
        var log = new TinyLog();
        void Seq(string customer, params string[] names)
        {
            for (var i = 0; i < names.Length; i++)
            {
                log.Add(customer, names[i], $"2024-03-01 10:0{i}:00");
            }
        }

        Seq("axabc", "A", "X", "A", "B", "C");
        Seq("aabc", "A", "A", "B", "C");
        Seq("abac", "A", "B", "A", "C");
        Seq("abbc", "A", "B", "B", "C");
        Seq("acbc", "A", "C", "B", "C");
        Seq("xabc", "X", "A", "B", "C");
        log.Add("late", "A", "2024-03-01 10:00:00").Add("late", "B", "2024-03-01 10:01:00")
            .Add("late", "A", "2024-03-01 11:30:00").Add("late", "C", "2024-03-01 11:31:00");
        await Load(log);
        var funnel = new OracleFunnel(["A", "B", "C"], Hour, OracleFunnelMode.StrictOrder);

        (await oracle.FunnelLevelsAsync(funnel, Ct)).ShouldBe(
            Levels(("axabc", 1), ("aabc", 3), ("abac", 3), ("abbc", 3), ("acbc", 1), ("xabc", 3), ("late", 2)),
            ignoreOrder: true);
    }

    [Fact]
    public async Task Strict_order_sorts_an_unmatched_event_before_steps_at_its_timestamp()
    {
        // docs/analytics-semantics.md: steps a b c; a@0 b@1 x@1 c@2 -> 1. x and b share second 1; x (step 0) is read
        // first, after the first step-1 event, so it ends the scan before b is read.
        await Load(new TinyLog()
            .Add("c", "a", "2024-03-01 10:00:00").Add("c", "b", "2024-03-01 10:00:01")
            .Add("c", "x", "2024-03-01 10:00:01").Add("c", "c", "2024-03-01 10:00:02"));

        (await oracle.FunnelLevelsAsync(new OracleFunnel(["a", "b", "c"], Hour, OracleFunnelMode.StrictOrder), Ct))
            .ShouldBe(Levels(("c", 1)));
    }

    [Fact]
    public async Task First_reentry_opens_a_new_window_only_after_the_previous_one_closed()
    {
        // Window 10 s, steps a b c (docs/analytics-semantics.md, `first` re-entry):
        // inside: a@0 b@1 a@8 b@12 c@15: a@8 is inside a@0's window (8 <= 10) and starts nothing; b@12 is past
        //         0 + 10 -> level 2.
        // after:  a@0 a@11 b@12 c@15: a@11 is after 0 + 10, so it opens a new window; b@12, c@15 <= 21 -> 3.
        // Latest re-entry gives 3 for both (a@8 reaches b@12 and c@15 <= 18).
        await Load(new TinyLog()
            .Add("inside", "a", "2024-03-01 10:00:00").Add("inside", "b", "2024-03-01 10:00:01")
            .Add("inside", "a", "2024-03-01 10:00:08").Add("inside", "b", "2024-03-01 10:00:12")
            .Add("inside", "c", "2024-03-01 10:00:15")
            .Add("after", "a", "2024-03-01 10:00:00").Add("after", "a", "2024-03-01 10:00:11")
            .Add("after", "b", "2024-03-01 10:00:12").Add("after", "c", "2024-03-01 10:00:15"));
        var funnel = new OracleFunnel(["a", "b", "c"], TimeSpan.FromSeconds(10), Reentry: OracleReentry.First);

        (await oracle.FunnelLevelsAsync(funnel, Ct)).ShouldBe(Levels(("inside", 2), ("after", 3)), ignoreOrder: true);
        (await oracle.FunnelLevelsAsync(funnel with { Reentry = OracleReentry.Latest }, Ct))
            .ShouldBe(Levels(("inside", 3), ("after", 3)), ignoreOrder: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, int> Levels(params (string Customer, int Level)[] levels) =>
        levels.ToDictionary(l => l.Customer, l => l.Level);

    private async Task Load(TinyLog log) => await database.LoadEventsAsync(log.Events, Ct);
}
