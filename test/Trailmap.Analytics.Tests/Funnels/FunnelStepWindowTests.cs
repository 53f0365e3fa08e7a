using CsCheck;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Journeys;
using Trailmap.Analytics.Queries;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Funnels;

/// <summary>
/// Per-step conversion windows (docs/analytics-semantics.md, "Step windows"): hand-computed levels and chain times
/// for the boundary, ties and re-entry, then the engine against <see cref="NaiveFunnel"/> on random logs.
/// Events are "name@second"; the funnel's window is 100 s unless stated; "c:5" gives step c a 5 s window.
/// </summary>
public sealed class FunnelStepWindowTests
{
    private static FunnelSpec Spec(string steps, string withins, double windowSeconds = 100, string modes = "", FunnelReentry reentry = FunnelReentry.Latest, string exclusions = "")
    {
        var within = withins.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Split(':'))
            .ToDictionary(w => int.Parse(w[0], System.Globalization.CultureInfo.InvariantCulture), w => Duration.FromSeconds(double.Parse(w[1], System.Globalization.CultureInfo.InvariantCulture)));
        return new FunnelSpec
        {
            Steps = [.. steps.Split(' ').Select((s, i) => new FunnelStep(s) { Within = within.TryGetValue(i + 1, out var d) ? d : null })],
            Window = Duration.FromSeconds(windowSeconds),
            Modes = FunnelModesParser.Parse(modes),
            Reentry = reentry,
            Exclusions = [.. exclusions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new FunnelStep(s))],
        };
    }

    private static FunnelResult Run(string events, FunnelSpec spec) => FunnelEngine.Run(TestLogs.Build(TestLogs.One(events)), spec);

    private static int Level(string events, FunnelSpec spec) => Run(events, spec).CustomerLevel("u");

    /// <summary>The single customer's converting chain, in seconds.</summary>
    private static long[] Chain(string events, FunnelSpec spec)
    {
        var result = Run(events, spec);
        return [.. result.ChainTimes!.Take(result.Levels[0]).Select(t => t / TestLogs.Second)];
    }

    // Step 3 (c) within 5 s of step 2: b@10, c@15 is exactly 5 s later, and the boundary is inclusive: 3.
    [Fact]
    public void Step_window_is_inclusive() => Level("a@0 b@10 c@15", Spec("a b c", "3:5")).ShouldBe(3);

    // c@16 is 6 s after b@10, one past the step's 5 s; the funnel's 100 s would have allowed it: 2.
    [Fact]
    public void Step_after_its_own_window_does_not_count() => Level("a@0 b@10 c@16", Spec("a b c", "3:5")).ShouldBe(2);

    // Without the step window the same events convert: 3 (the window is the step's, not the funnel's).
    [Fact]
    public void Without_the_step_window_the_same_events_convert() => Level("a@0 b@10 c@16", Spec("a b c", "")).ShouldBe(3);

    // A later b@12 is also a step 2 the chain can take: c@16 is 4 s after it: 3.
    [Fact]
    public void A_repeated_previous_step_restarts_the_step_window() => Level("a@0 b@10 b@12 c@16", Spec("a b c", "3:5")).ShouldBe(3);

    // Chain times: c at 16 (its first possible time); b at the latest b that leads there, 12, not 10 (16 - 10 = 6 > 5).
    [Fact]
    public void Chain_takes_the_latest_previous_step_that_leads_to_the_next() =>
        Chain("a@0 b@10 b@12 c@16", Spec("a b c", "3:5")).ShouldBe([0, 12, 16]);

    // c is possible first at 3 (via b@1, 2 s) and again at 5 (via b@4): the last step is at its earliest, 3, and b at 1.
    [Fact]
    public void Chain_ends_at_the_earliest_time_the_last_step_was_possible() =>
        Chain("a@0 b@1 c@3 b@4 c@5", Spec("a b c", "3:2")).ShouldBe([0, 1, 3]);

    // The funnel's window still applies: c@11 is 6 s after b@5 (step window 50 s) but 11 s after a@0 (window 10 s): 2.
    [Fact]
    public void Funnel_window_applies_as_well() => Level("a@0 b@5 c@11", Spec("a b c", "3:50", windowSeconds: 10)).ShouldBe(2);

    // Ties, default mode: b at the same instant as a is 0 s after it, inside a 0 s window; c follows within 100: 3.
    [Fact]
    public void Same_instant_is_zero_seconds_inside_a_zero_window() => Level("a@0 b@0 c@50", Spec("a b c", "2:0")).ShouldBe(3);

    // Ties, strict-increase: b must come strictly after a, and within 0 s of it, which nothing can: 1.
    [Fact]
    public void Strict_increase_needs_a_later_step_even_with_a_zero_window() =>
        Level("a@0 b@0 c@50", Spec("a b c", "2:0", modes: "strict-increase")).ShouldBe(1);

    // Strict-increase, b@1 is 1 s after a@0 (window 1 s, inclusive), c@2 is 1 s after b: 3.
    [Fact]
    public void Strict_increase_with_step_windows_at_the_boundary() =>
        Level("a@0 b@1 c@2", Spec("a b c", "2:1 3:1", modes: "strict-increase")).ShouldBe(3);

    // Default mode, one group: a@0 b@0 c@0 all at the same instant, each 0 s after the previous: 3.
    [Fact]
    public void One_instant_can_take_consecutive_steps_by_default() => Level("c@0 b@0 a@0", Spec("a b c", "2:0 3:0")).ShouldBe(3);

    // Latest re-entry: the chain from a@0 cannot take b@12 (12 s > 5 s); the chain from a@10 can (2 s), then c@20: 3.
    [Fact]
    public void A_later_start_can_meet_a_step_window_the_first_cannot() => Level("a@0 a@10 b@12 c@20", Spec("a b c", "2:5")).ShouldBe(3);

    // First re-entry: a@10 is inside the first chain's 100 s window so starts nothing; a@0's chain misses b: 1.
    [Fact]
    public void First_reentry_keeps_the_first_chain_with_step_windows() =>
        Level("a@0 a@10 b@12 c@20", Spec("a b c", "2:5", reentry: FunnelReentry.First)).ShouldBe(1);

    // The newest chain a@10 reaches only 1 (no b after it within 5 s); the older a@0 reaches 3 via b@1 and c@3: 3.
    [Fact]
    public void An_older_chain_can_reach_further_than_the_newest() => Level("a@0 b@1 c@3 a@10", Spec("a b c", "3:5")).ShouldBe(3);

    // Exclusions work as without step windows: x@2 is inside a@0's window: 0.
    [Fact]
    public void Exclusion_still_removes_the_customer() => Level("a@0 b@1 x@2 c@3", Spec("a b c", "3:5", exclusions: "x")).ShouldBe(0);

    // Two customers, c within 5 s of b. u1: a@0 b@12 c@16 (b@10 is too early to lead to c), u2: a@0 b@2 c@4.
    // a->b: 12 and 2: mean 7, median rank ceil(0.5*2)=1 -> 2, p90 rank ceil(1.8)=2 -> 12.
    // b->c: 4 and 2: mean 3, median 2, p90 4.
    [Fact]
    public void Time_to_convert_reads_the_chain_inside_the_step_windows()
    {
        var events = TestLogs.One("a@0 b@10 b@12 c@16", "u1").Concat(TestLogs.One("a@0 b@2 c@4", "u2"));
        var result = FunnelEngine.Run(TestLogs.Build(events), Spec("a b c", "3:5"));
        result.Steps[1].TimeToConvert.ShouldBe(new TimeToConvert(7, 2, 12, 2));
        result.Steps[2].TimeToConvert.ShouldBe(new TimeToConvert(3, 2, 4, 2));
    }

    [Theory]
    [InlineData("strict-order")]
    [InlineData("strict-dedup")]
    [InlineData("strict-once")]
    [InlineData("unordered")]
    public void Modes_that_do_not_combine_with_step_windows_are_refused(string mode)
    {
        Should.Throw<ArgumentException>(() => FunnelEngine.Run(TestLogs.Build(TestLogs.One("a@0")), Spec("a b", "2:5", modes: mode)));
        Should.Throw<QueryParameterException>(() => FunnelQuery.Spec("a,b", null, mode, null, [], null, [], null, ["2:5s"])).Parameter.ShouldBe("step-window");
    }

    [Fact]
    public void Query_reads_step_windows_by_step_number()
    {
        var spec = FunnelQuery.Spec("a,b,c", "1d", null, null, [], null, [], null, ["3: 30m", "2:1h"]);
        spec.Steps.Select(s => s.Within?.Text).ShouldBe([null, "1h", "30m"]);
        spec.Steps[2].Within!.Value.TotalSeconds.ShouldBe(1800);
    }

    [Theory]
    [InlineData("1:1h", "from 2 to 3")]
    [InlineData("4:1h", "from 2 to 3")]
    [InlineData("x:1h", "N:DURATION")]
    [InlineData("2", "N:DURATION")]
    [InlineData("2:soon", "duration")]
    public void Bad_step_window_names_the_parameter_and_the_fix(string value, string hint)
    {
        var e = Should.Throw<QueryParameterException>(() => FunnelQuery.Spec("a,b,c", null, null, null, [], null, [], null, [value]));
        e.Parameter.ShouldBe("step-window");
        e.Message.ShouldContain(hint);
    }

    [Fact]
    public void A_step_given_two_windows_is_refused() =>
        Should.Throw<QueryParameterException>(() => FunnelQuery.Spec("a,b,c", null, null, null, [], null, [], null, ["2:1h", "2:2h"]))
            .Message.ShouldContain("already has a window");

    [Fact]
    public void Json_carries_each_steps_window()
    {
        var spec = FunnelQuery.Spec("a,b,c", null, null, null, [], null, [], null, ["3:5s"]);
        var json = FunnelQuery.Json(Run("a@0 b@10 c@15", spec), spec);
        json.Steps.Select(s => s.Within).ShouldBe([null, null, "5s"]);
        json.Steps[2].WithinSeconds.ShouldBe(5);
        json.Steps[2].Customers.ShouldBe(1);
    }

    // The journey file: stage 'paid' must follow 'signup' within 1 day (the journey's window is 30 days).
    // c1 signs up at hour 1 and pays at hour 25 (exactly 24 h: inside); c2 signs up at 2 and pays at 27 (25 h: outside);
    // c3 pays at hour 30 after signing up at 10 (20 h). Reached: visit 3, signup 3, paid 2 (c1, c3).
    [Fact]
    public void Journey_stage_entry_within_bounds_the_step_from_the_previous_stage()
    {
        var journey = JourneyFile.FromText("""
            id: t
            title: T
            window: 30d
            stages:
              - { id: visit, name: Visit, entry: Visited }
              - { id: signup, name: Signup, entry: Signed Up }
              - id: paid
                name: Paid
                entry: { event: Paid, within: 1d }
            """).Journey!;
        journey.Stages[2].EntryWithin!.Value.Text.ShouldBe("1d");
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var b = new EventLogBuilder();
        foreach (var (c, signup, paid) in new[] { ("c1", 1, 25), ("c2", 2, 27), ("c3", 10, 30) })
        {
            b.Add(c, "Visited", t0);
            b.Add(c, "Signed Up", t0.AddHours(signup));
            b.Add(c, "Paid", t0.AddHours(paid));
        }

        var log = b.Build();
        var analysis = JourneyAnalyzer.Analyze(journey, log);
        analysis.Stages.Select(s => s.Reached).ShouldBe([3L, 3L, 2L]);

        // The stage entry times the automation reads come from the same funnel: c2 never entered 'paid'.
        var entries = JourneyMeasurement.Measure(journey, log).Entries;
        entries.Level(entries.IndexOf("c2")).ShouldBe(2);
        entries.EnteredAt(entries.IndexOf("c1"), 2).ShouldBe(t0.AddHours(25));
    }

    private static readonly string[] Names = ["a", "b", "c", "d"];

    private static readonly Gen<TestEvent> GenEvent =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 8], Gen.Int[0, 2], (c, n, t, p) =>
            new TestEvent($"c{c}", Names[n], t * TestLogs.Second, p == 2 ? null : p));

    // Step windows of 0 to 3 s (or none) against funnel windows of 0 to 8 s, so both bounds bind.
    private static readonly Gen<FunnelSpec> GenSpec =
        Gen.Select(Gen.Int[0, 3].Select(Gen.Int[0, 4], (n, w) => (n, w)).List[2, 4], Gen.Int[0, 8], Gen.Bool, Gen.Bool, Gen.Int[0, 6], Gen.Int[0, 3])
            .Select(x =>
            {
                var (steps, window, strictIncrease, first, exclusion, range) = x;
                return new FunnelSpec
                {
                    Steps = [.. steps.Select((s, i) => new FunnelStep(Names[s.n]) { Within = i == 0 || s.w == 4 ? null : Duration.FromSeconds(s.w) })],
                    Window = Duration.FromSeconds(window),
                    Modes = strictIncrease ? FunnelModes.StrictIncrease : FunnelModes.None,
                    Reentry = first ? FunnelReentry.First : FunnelReentry.Latest,
                    Exclusions = exclusion < 4 ? [new FunnelStep(Names[exclusion])] : [],
                    From = range == 1 ? DateTimeOffset.UnixEpoch.AddSeconds(1) : null,
                    To = range == 2 ? DateTimeOffset.UnixEpoch.AddSeconds(6) : null,
                };
            });

    private static string Describe(FunnelSpec spec, IEnumerable<TestEvent> events) =>
        $"modes {FunnelModesParser.Format(spec.Modes)}, reentry {spec.Reentry}, window {spec.Window}, steps [{string.Join(", ", spec.Steps.Select(s => s.Within is { } w ? $"{s.Name} within {w}" : s.Name))}], exclusions [{string.Join(", ", spec.Exclusions.Select(s => s.Name))}], from {spec.From}, to {spec.To}; events {string.Join(" ", events.Select(e => $"{e.Customer}:{e.Name}@{e.Ts / TestLogs.Second}"))}";

    [Fact]
    public void Levels_equal_the_naive_reference_on_random_logs()
    {
        Gen.Select(GenEvent.List[1, 14], GenSpec).Sample((events, spec) =>
        {
            var expected = NaiveFunnel.Levels(events, spec);
            var actual = FunnelEngine.Run(TestLogs.Build(events), spec).CustomerLevels();
            foreach (var (customer, level) in expected)
            {
                if (actual[customer] != level)
                {
                    throw new InvalidOperationException($"customer {customer}: engine {actual[customer]}, reference {level}; {Describe(spec, events)}");
                }
            }
        }, iter: 20000);
    }

    [Fact]
    public void Chain_times_equal_the_naive_reference_on_random_logs()
    {
        Gen.Select(GenEvent.List[1, 14], GenSpec).Sample((events, spec) =>
        {
            var expected = NaiveFunnel.ChainTimes(events, spec);
            var log = TestLogs.Build(events);
            var result = FunnelEngine.Run(log, spec);
            var n = spec.Steps.Count;
            for (var c = 0; c < result.Customers.Count; c++)
            {
                var actual = result.ChainTimes!.Skip(c * n).Take(result.Levels[c]).ToArray();
                var reference = expected[result.Customers[c]];
                if (!actual.SequenceEqual(reference))
                {
                    throw new InvalidOperationException(
                        $"customer {result.Customers[c]}: engine [{string.Join(", ", actual.Select(t => t / TestLogs.Second))}], reference [{string.Join(", ", reference.Select(t => t / TestLogs.Second))}]; {Describe(spec, events)}");
                }
            }
        }, iter: 10000);
    }

    // The first time each level was reached, over every chain (what stage entry times and automation read), against
    // the naive reference applied to every prefix of the log: the level first reaches k at the earliest prefix end.
    [Fact]
    public void First_reached_times_equal_the_naive_reference_on_prefixes()
    {
        Gen.Select(GenEvent.List[1, 10], GenSpec).Where((_, s) => s.From is null && s.To is null && s.Exclusions.Count == 0).Sample((events, spec) =>
        {
            var log = TestLogs.Build(events);
            var n = spec.Steps.Count;
            var reached = new long[log.CustomerCount * n];
            FunnelEngine.Scan(log, spec, null, new int[log.CustomerCount], new long[log.CustomerCount * n], new int[log.CustomerCount], reached);
            var times = events.Select(e => e.Ts).Distinct().Order().ToList();
            for (var c = 0; c < log.CustomerCount; c++)
            {
                var customer = log.Customers[c];
                for (var k = 0; k < n; k++)
                {
                    var firstTime = times.FirstOrDefault(t => NaiveFunnel.Levels([.. events.Where(e => e.Ts <= t)], spec).GetValueOrDefault(customer) > k, long.MaxValue);
                    if (reached[(c * n) + k] != firstTime)
                    {
                        throw new InvalidOperationException($"customer {customer} step {k + 1}: engine {reached[(c * n) + k]}, reference {firstTime}; {Describe(spec, events)}");
                    }
                }
            }
        }, iter: 3000);
    }
}
