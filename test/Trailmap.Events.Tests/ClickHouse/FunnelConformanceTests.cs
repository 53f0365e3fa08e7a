using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Analytics.Funnels;
using Trailmap.Events.Analytics;
using Trailmap.Events.ClickHouse;
using Trailmap.Journeys.Model;
using Xunit;

namespace Trailmap.Events.Tests.ClickHouse;

/// <summary>
/// Funnels on both engines from the same imported files: the DuckDB store answered in memory, the ClickHouse
/// cluster answered by SQL (or its in-memory fallback), checked against hand-computed numbers and against each other
/// on random logs. Events are written "name@second" after 2026-01-01T00:00:00Z; the window is 10 s unless stated.
/// </summary>
public sealed class FunnelConformanceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDir dir = new();
    private readonly ClickHouseServer server = ClickHouseServer.FreshDatabase();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly EventStore duck;
    private readonly ClickHouseEventStore clickHouse;
    private int files;

    public FunnelConformanceTests()
    {
        duck = EventStore.Open(":memory:", clock);
        clickHouse = ClickHouseEventStore.Open(server.Address, clock);
    }

    /// <summary>Imports customers' "name@second" timelines into both stores; arrival order is the text order.</summary>
    private void Import(params (string Customer, string Events)[] customers)
    {
        var sb = new StringBuilder();
        foreach (var (customer, events) in customers)
        {
            foreach (var token in events.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var at = token.Split('@');
                var ts = T0.AddTicks((long)(decimal.Parse(at[1], CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $$"""{"type":"track","userId":"{{customer}}","event":"{{at[0]}}","messageId":"f{{files}}-{{sb.Length}}","timestamp":"{{ts}}"}""").Append('\n');
            }
        }

        var file = dir.Write($"events{files++}.jsonl", sb.ToString());
        duck.Import([file], cancel: TestContext.Current.CancellationToken);
        clickHouse.Import([file], cancel: TestContext.Current.CancellationToken);
    }

    private static FunnelSpec Spec(string steps, double windowSeconds = 10) => new()
    {
        Steps = [.. steps.Split(' ').Select(s => new FunnelStep(s))],
        Window = Duration.FromSeconds(windowSeconds),
    };

    /// <summary>Both engines' results, after checking that they agree step by step.</summary>
    private IReadOnlyList<FunnelStepResult> Both(FunnelSpec spec)
    {
        var expected = new InMemoryAnalytics(duck).Funnel(spec).Steps;
        var actual = EventEngines.Analytics(clickHouse).Funnel(spec).Steps;
        actual.Count.ShouldBe(expected.Count);
        for (var k = 0; k < expected.Count; k++)
        {
            actual[k].ShouldBe(expected[k], $"step {k + 1} of [{string.Join(", ", spec.Steps.Select(s => s.Name))}], modes {FunnelModesParser.Format(spec.Modes)}, window {spec.Window}");
        }

        return actual;
    }

    private long[] Reached(string events, string steps, double window = 10)
    {
        Import(("u", events));
        return [.. Both(Spec(steps, window)).Select(s => s.Customers)];
    }

    [Fact]
    public void The_default_mode_is_computed_in_sql() =>
        ClickHouseAnalytics.ComputesInSql(Spec("a b c")).ShouldBeTrue();

    /// <summary>Customers per step for one customer's events, under <paramref name="modes"/> ("strict-order,...") and exclusions.</summary>
    private long[] ReachedIn(string modes, string events, string steps, string? exclude = null)
    {
        Import(("u", events));
        var spec = Spec(steps) with
        {
            Modes = FunnelModesParser.Parse(modes),
            Exclusions = exclude is null ? [] : [new FunnelStep(exclude)],
        };
        ClickHouseAnalytics.ComputesInSql(spec).ShouldBeTrue();
        return [.. Both(spec).Select(s => s.Customers)];
    }

    // The hand-computed mode and exclusion cases of docs/analytics-semantics.md, in SQL.
    [Theory]
    [InlineData("strict-order", "a@0 b@1 x@2 c@3", new long[] { 1, 1, 0 })]
    [InlineData("strict-order", "a@0 c@1 b@2 c@3", new long[] { 1, 0, 0 })]
    [InlineData("strict-order", "a@0 b@1 x@1 c@2", new long[] { 1, 0, 0 })]
    [InlineData("strict-order", "x@0 c@0 a@1 b@2 c@3", new long[] { 1, 1, 1 })] // events before the first step 1 are ignored
    [InlineData("strict-order,allow-reentry", "a@0 c@1 b@2 c@3", new long[] { 1, 1, 1 })]
    [InlineData("strict-dedup", "a@0 b@1 b@2 c@3", new long[] { 1, 1, 0 })]
    [InlineData("strict-dedup", "a@0 a@1 b@2 c@3", new long[] { 1, 1, 1 })] // a step-1 repeat is re-entry
    [InlineData("strict-once", "a@0 b@0 c@0", new long[] { 1, 1, 1 })] // distinct names: one event, one step anyway
    [InlineData("unordered", "c@0 a@3 b@12", new long[] { 1, 1, 0 })]
    [InlineData("unordered", "c@0 a@3 b@10", new long[] { 1, 1, 1 })]
    public void Modes_are_computed_in_sql(string modes, string events, long[] expected) =>
        ReachedIn(modes, events, "a b c").ShouldBe(expected);

    [Theory]
    [InlineData("", "a@0 b@1 x@4 c@5", new long[] { 0, 0, 0 })]
    [InlineData("", "a@0 b@1 c@5 x@11", new long[] { 1, 1, 1 })]
    [InlineData("", "x@0 a@0 b@1", new long[] { 1, 1, 0 })] // an exclusion at the start's own instant does not count
    [InlineData("strict-order", "a@0 b@1 x@4 c@5", new long[] { 0, 0, 0 })]
    [InlineData("unordered", "c@0 x@5 a@6", new long[] { 0, 0, 0 })]
    [InlineData("unordered", "x@0 c@0 a@6", new long[] { 1, 1, 0 })]
    public void Exclusions_are_computed_in_sql(string modes, string events, long[] expected) =>
        ReachedIn(modes, events, "a b c", exclude: "x").ShouldBe(expected);

    // Repeated step names go through the ARRAY JOIN; with an exclusion, LEFT keeps the exclusion's rows:
    // steps a a b, exclude x: a@0 b@3 reaches 3; x@5 is within 10 s of a@0, so the customer is removed.
    [Fact]
    public void Exclusions_with_a_repeated_step_name()
    {
        Import(("u1", "a@0 b@3"), ("u2", "a@0 b@3 x@5"));
        var spec = Spec("a a b") with { Exclusions = [new FunnelStep("x")] };

        ClickHouseAnalytics.ComputesInSql(spec).ShouldBeTrue();
        Both(spec).Select(s => s.Customers).ShouldBe([1L, 1, 1]);
    }

    [Fact]
    public void What_stays_in_trailmap()
    {
        ClickHouseAnalytics.ComputesInSql(Spec("a b c") with { Modes = FunnelModes.StrictIncrease }).ShouldBeFalse();
        ClickHouseAnalytics.ComputesInSql(Spec("a b c") with { Reentry = FunnelReentry.First }).ShouldBeFalse();
        ClickHouseAnalytics.ComputesInSql(Spec("a a b") with { Modes = FunnelModes.StrictOrder }).ShouldBeFalse();
        ClickHouseAnalytics.ComputesInSql(Spec("a b") with { Steps = [new("a"), new("b") { Within = Duration.FromSeconds(5) }] }).ShouldBeFalse();
    }

    // Conversion over time needs each entrant's chain start: the aggregates carry none, so such a funnel is answered
    // by the fallback, whose result carries the chain times the over-time table is made from.
    [Fact]
    public void Conversion_over_time_is_answered_with_chain_times()
    {
        Import(("u", "a@0 b@1"));
        var spec = Spec("a b") with { OverTime = FunnelPeriod.Day };

        ClickHouseAnalytics.ComputesInSql(spec).ShouldBeFalse();
        var result = EventEngines.Analytics(clickHouse).Funnel(spec);
        FunnelTrends.ConversionOverTime(result, FunnelPeriod.Day).ShouldNotBeNull().ShouldHaveSingleItem();
    }

    // The hand-computed default-mode cases of docs/analytics-semantics.md (FunnelModeTests), as customers per step.
    [Fact]
    public void Window_is_inclusive() => Reached("a@0 b@5 c@10", "a b c").ShouldBe([1, 1, 1]);

    [Fact]
    public void Step_after_the_window_does_not_count() => Reached("a@0 b@5 c@11", "a b c").ShouldBe([1, 1, 0]);

    [Fact]
    public void Same_timestamp_events_count_in_step_order() => Reached("c@0 b@0 a@0", "a b c").ShouldBe([1, 1, 1]);

    [Fact]
    public void Latest_reentry_lets_a_later_step_one_restart_the_window() => Reached("a@0 b@1 a@8 b@12 c@15", "a b c").ShouldBe([1, 1, 1]);

    [Fact]
    public void A_newer_chain_never_lowers_the_level() => Reached("a@0 b@1 a@20", "a b c").ShouldBe([1, 1, 0]);

    [Fact]
    public void Repeated_name_one_event_fills_two_steps_by_default() => Reached("a@0 b@3", "a a b").ShouldBe([1, 1, 1]);

    [Fact]
    public void No_step_one_event_reaches_nothing() => Reached("b@0 c@1", "a b c").ShouldBe([0, 0, 0]);

    // Ten steps: a..j one second apart, and a second customer stopping after e. ClickHouse expands aliases in the
    // query's syntax tree, so SQL that named a step's array twice grew by 2^steps and was refused past about 8 steps.
    [Fact]
    public void Ten_steps_are_computed_in_sql()
    {
        Import(("u1", "a@0 b@1 c@2 d@3 e@4 f@5 g@6 h@7 i@8 j@9"), ("u2", "a@0 b@1 c@2 d@3 e@4"));

        var steps = Both(Spec("a b c d e f g h i j"));

        steps.Select(s => s.Customers).ShouldBe([2L, 2, 2, 2, 2, 1, 1, 1, 1, 1]);
        steps[9].TimeToConvert.ShouldBe(new TimeToConvert(1, 1, 1, 1));
    }

    // FunnelResultTests' case, window 100 s:
    //   u1: a@0 b@10 c@40 -> 3 (10 s, 30 s); u2: a@0 b@20 c@30 -> 3 (20 s, 10 s); u3: a@0 b@60 -> 2 (60 s);
    //   u4: a@0 a@50 b@70 -> 2, converting chain a@50 b@70 (20 s); u5: a@0 -> 1.
    // a->b {10, 20, 60, 20}: mean 27.5, median 20, p90 60. b->c {30, 10}: mean 20, median 10, p90 30.
    [Fact]
    public void Step_counts_conversions_and_time_to_convert()
    {
        Import(("u1", "a@0 b@10 c@40"), ("u2", "a@0 b@20 c@30"), ("u3", "a@0 b@60"), ("u4", "a@0 a@50 b@70"), ("u5", "a@0"));

        var steps = Both(Spec("a b c", 100));

        steps.Select(s => s.Customers).ShouldBe([5L, 4, 2]);
        steps.Select(s => s.ConversionFromPrevious).ShouldBe([1.0, 0.8, 0.5]);
        steps.Select(s => s.DropOff).ShouldBe([0L, 1, 2]);
        steps[0].TimeToConvert.ShouldBeNull();
        steps[1].TimeToConvert.ShouldBe(new TimeToConvert(27.5, 20, 60, 4));
        steps[2].TimeToConvert.ShouldBe(new TimeToConvert(20, 10, 30, 2));
    }

    // Microseconds matter: b is 0.5 s after a, c 10.000001 s after a (outside a 10 s window).
    [Fact]
    public void Sub_second_times_are_kept()
    {
        Import(("u", "a@0 b@0.5 c@10.000001"));

        var steps = Both(Spec("a b c"));

        steps.Select(s => s.Customers).ShouldBe([1L, 1, 0]);
        steps[1].TimeToConvert.ShouldBe(new TimeToConvert(0.5, 0.5, 0.5, 1));
    }

    // A range bounds the events read: From inclusive, To exclusive. a@0 is before From; a@2 b@4 remain, c@9 is at To.
    [Fact]
    public void From_and_to_bound_the_events()
    {
        Import(("u", "a@0 a@2 b@4 c@9"));

        Both(Spec("a b c") with { From = T0.AddSeconds(1), To = T0.AddSeconds(9) }).Select(s => s.Customers).ShouldBe([1L, 1, 0]);
    }

    /// <summary>
    /// Random logs as the property tests make them (names a-d, times 0-6 s with many ties), 300 customers in one
    /// import, and 200 random specs over every mode, re-entry, exclusions and ranges: what SQL computes is answered in
    /// SQL, the rest by the fallback; all must agree.
    /// </summary>
    [Fact]
    public void Random_logs_give_the_same_funnel_on_both_engines()
    {
        var random = new Random(1313);
        string[] names = ["a", "b", "c", "d"];
        var customers = Enumerable.Range(0, 300).Select(c => ($"c{c}", string.Join(" ", Enumerable.Range(0, random.Next(1, 15))
            .Select(_ => $"{names[random.Next(4)]}@{random.Next(7)}")))).ToArray();
        Import(customers);

        FunnelModes[] modes =
        [
            FunnelModes.None, FunnelModes.None, FunnelModes.StrictOrder, FunnelModes.StrictOrder | FunnelModes.AllowReentry,
            FunnelModes.StrictDedup, FunnelModes.StrictOrder | FunnelModes.StrictDedup, FunnelModes.StrictOnce,
            FunnelModes.StrictOnce | FunnelModes.StrictOrder, FunnelModes.Unordered, FunnelModes.StrictIncrease,
        ];
        var inSql = 0;
        var modesInSql = 0;
        for (var i = 0; i < 200; i++)
        {
            var steps = Enumerable.Range(0, random.Next(1, 5)).Select(_ => new FunnelStep(names[random.Next(4)])).ToList();
            var spec = new FunnelSpec
            {
                Steps = steps,
                Window = Duration.FromSeconds(random.Next(0, 5)),
                Modes = modes[random.Next(modes.Length)],
                Reentry = random.Next(8) == 0 ? FunnelReentry.First : FunnelReentry.Latest,
                Exclusions = random.Next(4) == 0 ? [new FunnelStep(names[random.Next(4)])] : [],
                From = random.Next(4) == 0 ? T0.AddSeconds(1) : null,
                To = random.Next(4) == 0 ? T0.AddSeconds(5) : null,
            };
            inSql += ClickHouseAnalytics.ComputesInSql(spec) ? 1 : 0;
            modesInSql += ClickHouseAnalytics.ComputesInSql(spec) && spec.Modes != FunnelModes.None ? 1 : 0;
            Both(spec);
        }

        inSql.ShouldBeGreaterThan(100, "most specs go through the SQL path");
        modesInSql.ShouldBeGreaterThan(40, "the strict and unordered modes go through the SQL path too");
    }

    public void Dispose()
    {
        duck.Dispose();
        clickHouse.Dispose();
        dir.Dispose();
        server.Dispose();
    }
}
