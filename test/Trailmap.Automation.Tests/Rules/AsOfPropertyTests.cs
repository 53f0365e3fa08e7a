using CsCheck;
using Shouldly;
using Trailmap.Automation.Rules;
using Trailmap.Events;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Rules;

/// <summary>
/// Evaluating as of T gives exactly the firings a later evaluation dates at or before T, with the same keys: the
/// property that makes day-by-day replay equal to one evaluation, and re-evaluation idempotent.
/// </summary>
public sealed class AsOfPropertyTests
{
    private static readonly string[] Names = ["Signed Up", "Board Shared", "Logged In", "Subscription Started"];

    private static readonly Trailmap.Journeys.Model.Journey Rules = Journey("""
        moments_of_truth:
          - { id: m, name: M, condition: Board Shared, deadline: within 2d of signup }
        interventions:
          - { id: quiet, name: Q, when: { no_event: Logged In, for: 3d }, then: { channel: slack, message: q } }
          - { id: stuck, name: S, when: { stuck_in_stage: signup, for: 2d }, then: { channel: slack, message: s } }
          - { id: entered, name: E, when: { entered_stage: activate }, then: { channel: slack, message: e } }
          - { id: missed, name: M, when: { missed_moment: m }, then: { channel: slack, message: m } }
          - { id: login, name: L, when: { event: Logged In }, then: { channel: slack, message: l } }
          - { id: days, name: D, when: { metric: "days_inactive >= 2" }, then: { channel: slack, message: d } }
        sequences:
          - id: always
            name: A
            trigger: { event: Board Shared }
            steps: [{ day: 0, then: { channel: in-app, message: a } }, { day: 2, then: { channel: in-app, message: b } }]
            exit: Subscription Started
            reentry: always
          - id: after
            name: B
            trigger: { no_event: Logged In, for: 1d }
            steps: [{ day: 1, then: { channel: in-app, message: a } }, { day: 3, then: { channel: in-app, message: b } }]
            exit: Logged In
            reentry: after-exit
        """);

    private static readonly Gen<(int Customer, int Name, int Hour)[]> Events =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, Names.Length - 1], Gen.Int[0, 20 * 24]).Array[0, 40];

    [Fact]
    public void Firings_as_of_any_moment_are_the_later_firings_up_to_that_moment()
    {
        Gen.Select(Events, Gen.Int[0, 30 * 24]).Sample((events, cut) =>
        {
            var b = new EventLogBuilder();
            foreach (var (c, n, h) in events)
            {
                b.Add("c" + c, Names[n], T("2026-01-01").AddHours(h));
            }

            var evaluator = new RuleEvaluator(Rules, b.Build());
            var end = T("2026-02-01");
            var at = T("2026-01-01").AddHours(cut);
            var early = evaluator.Evaluate(at).Select(t => (t.IdempotencyKey, t.At)).ToList();
            var late = evaluator.Evaluate(end).Where(t => t.At <= at).Select(t => (t.IdempotencyKey, t.At)).ToList();
            early.ShouldBe(late);
            early.Select(e => e.IdempotencyKey).Distinct().Count().ShouldBe(early.Count);
        }, iter: 300);
    }

    /// <summary>
    /// Every rule is decided from each customer's own history, so a log of some customers gives exactly their
    /// firings in the whole log: what lets a running pass evaluate only the customers who changed.
    /// </summary>
    [Fact]
    public void Firings_of_a_subset_of_customers_are_their_firings_in_the_whole_log()
    {
        Gen.Select(Events, Gen.Int[0, 30 * 24], Gen.Int[0, 7]).Sample((events, cut, mask) =>
        {
            var b = new EventLogBuilder();
            foreach (var (c, n, h) in events)
            {
                b.Add("c" + c, Names[n], T("2026-01-01").AddHours(h));
            }

            var log = b.Build();
            // The mask picks customers by id (bit k: customer ck), whatever their index in the log.
            var chosen = Enumerable.Range(0, log.CustomerCount).Where(i => (mask & (1 << int.Parse(log.Customers[i][1..], System.Globalization.CultureInfo.InvariantCulture))) != 0).ToList();
            var ids = chosen.Select(i => log.Customers[i]).ToHashSet(StringComparer.Ordinal);
            var at = T("2026-01-01").AddHours(cut);
            var whole = new RuleEvaluator(Rules, log).Evaluate(at).Where(t => ids.Contains(t.CustomerId)).Select(t => (t.IdempotencyKey, t.At)).ToList();
            var part = new RuleEvaluator(Rules, log.Subset(chosen)).Evaluate(at).Select(t => (t.IdempotencyKey, t.At)).ToList();
            part.ShouldBe(whole);

            // The same customers picked out of the whole log (how a sweep walks its log a slice at a time), with the
            // whole log's measurement handed in.
            var measured = new RuleEvaluator(Rules, log, () => Trailmap.Analytics.Journeys.JourneyMeasurement.Measure(Rules, log));
            measured.Evaluate(at, chosen).Select(t => (t.IdempotencyKey, t.At)).ToList().ShouldBe(whole);
        }, iter: 300);
    }
}
