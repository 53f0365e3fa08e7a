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
        // restart: A 09:00, A 11:00, B 11:30, window 1 h.
        //   latest: the 11:00 chain reaches B at 11:30 <= 12:00 -> 2. first: only the 09:00 chain, B is past 10:00 -> 1.
        // kept: A 09:00, B 09:30, A 11:00: level 2 reached by the first chain stays after the new start -> 2 both ways.
        await Load(new TinyLog()
            .Add("restart", "A", "2024-03-01 09:00:00").Add("restart", "A", "2024-03-01 11:00:00").Add("restart", "B", "2024-03-01 11:30:00")
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
        // again:  A, X, A, B: the first chain dies at X, the second A starts a chain that reaches B -> 2 both ways.
        await Load(new TinyLog()
            .Add("broken", "A", "2024-03-01 10:00:00").Add("broken", "X", "2024-03-01 10:01:00")
            .Add("broken", "B", "2024-03-01 10:02:00").Add("broken", "C", "2024-03-01 10:03:00")
            .Add("clean", "A", "2024-03-01 10:00:00").Add("clean", "B", "2024-03-01 10:01:00").Add("clean", "C", "2024-03-01 10:02:00")
            .Add("again", "A", "2024-03-01 10:00:00").Add("again", "X", "2024-03-01 10:01:00")
            .Add("again", "A", "2024-03-01 10:02:00").Add("again", "B", "2024-03-01 10:03:00"));
        var funnel = new OracleFunnel(["A", "B", "C"], Hour);

        (await oracle.FunnelLevelsAsync(funnel with { Mode = OracleFunnelMode.StrictOrder }, Ct))
            .ShouldBe(Levels(("broken", 1), ("clean", 3), ("again", 2)), ignoreOrder: true);
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

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, int> Levels(params (string Customer, int Level)[] levels) =>
        levels.ToDictionary(l => l.Customer, l => l.Level);

    private async Task Load(TinyLog log) => await database.LoadEventsAsync(log.Events, Ct);
}
