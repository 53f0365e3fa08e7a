using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Automation.Rules;
using Trailmap.Events;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Rules;

/// <summary>Sequences over weeks: steps at day offsets, exit goals, reentry; the clock is a FakeTimeProvider.</summary>
public sealed class SequenceTests
{
    private static RuleEvaluator Sequence(EventLog log, string trigger, string days, string reentry = "never", string exit = "Subscription Started")
    {
        var steps = string.Join(", ", days.Split(',').Select(d => $"{{ day: {d.Trim()}, then: {{ channel: in-app, message: d{d.Trim()} }} }}"));
        var journey = Journey($$"""
            sequences:
              - id: s
                name: S
                trigger: {{trigger}}
                steps: [{{steps}}]
                exit: {{exit}}
                reentry: {{reentry}}
            """);
        return new RuleEvaluator(journey, log);
    }

    [Fact]
    public void Steps_fall_due_day_by_day_and_keep_their_keys_over_four_weeks()
    {
        var log = Log(("a", "Signed Up", "2026-01-01 09:00"), ("b", "Signed Up", "2026-01-03 18:30"));
        var evaluator = Sequence(log, "{ entered_stage: signup }", "0, 7, 14, 21");
        var time = new FakeTimeProvider(T("2026-01-01 00:00"));
        var sent = new Dictionary<string, DateTimeOffset>();

        // Each day at midnight: whatever is due and not seen before is new; nothing may disappear or change key.
        for (var day = 0; day < 35; day++)
        {
            var due = evaluator.Due(time);
            due.Select(t => t.IdempotencyKey).Distinct().Count().ShouldBe(due.Count);
            sent.Keys.ShouldBeSubsetOf(due.Select(t => t.IdempotencyKey));
            foreach (var t in due.Where(t => !sent.ContainsKey(t.IdempotencyKey)))
            {
                sent[t.IdempotencyKey] = time.GetUtcNow();
                t.At.ShouldBeLessThanOrEqualTo(time.GetUtcNow());
            }

            time.Advance(TimeSpan.FromDays(1));
        }

        // a starts Jan 1 09:00: steps Jan 1, 8, 15, 22 at 09:00, first seen at the following midnight.
        // b starts Jan 3 18:30: Jan 3, 10, 17, 24 at 18:30, likewise.
        sent.ShouldBe(new Dictionary<string, DateTimeOffset>
        {
            ["s:a:entered-20260101T090000.000000Z/step-1"] = T("2026-01-02"),
            ["s:a:entered-20260101T090000.000000Z/step-2"] = T("2026-01-09"),
            ["s:a:entered-20260101T090000.000000Z/step-3"] = T("2026-01-16"),
            ["s:a:entered-20260101T090000.000000Z/step-4"] = T("2026-01-23"),
            ["s:b:entered-20260103T183000.000000Z/step-1"] = T("2026-01-04"),
            ["s:b:entered-20260103T183000.000000Z/step-2"] = T("2026-01-11"),
            ["s:b:entered-20260103T183000.000000Z/step-3"] = T("2026-01-18"),
            ["s:b:entered-20260103T183000.000000Z/step-4"] = T("2026-01-25"),
        }, ignoreOrder: true);
    }

    [Fact]
    public void Exit_goal_before_a_step_drops_that_step_and_every_later_one()
    {
        var log = Log(
            ("a", "Signed Up", "2026-01-01 09:00"), ("a", "Subscription Started", "2026-01-06"),
            ("b", "Signed Up", "2026-01-01 09:00"), ("b", "Subscription Started", "2026-01-08 09:00"));

        // Steps at Jan 1, 4, 8, 15 (09:00). a pays on Jan 6: steps 1 and 2 only. b pays at the very moment step 3 is
        // due: the goal is met, so step 3 and 4 are dropped too.
        Sequence(log, "{ entered_stage: signup }", "0, 3, 7, 14").Evaluate(T("2026-02-01"))
            .Select(t => (t.CustomerId, t.Step, t.At))
            .ShouldBe(
            [
                ("a", (int?)1, T("2026-01-01 09:00")), ("b", 1, T("2026-01-01 09:00")),
                ("a", 2, T("2026-01-04 09:00")), ("b", 2, T("2026-01-04 09:00")),
            ]);
    }

    [Theory]
    // Trial Started on Jan 1, Jan 5 and Jan 20; steps on day 0 and day 7; no exit event.
    // never: only the Jan 1 run. always: all three runs, even the one that overlaps the first.
    // after-exit: the first run ends with its last step on Jan 8, so Jan 5 may not start one; Jan 20 may.
    [InlineData("never", "01,08")]
    [InlineData("always", "01,05,08,12,20,27")]
    [InlineData("after-exit", "01,08,20,27")]
    public void Reentry_decides_which_triggers_start_a_run(string reentry, string days)
    {
        var log = Log(("c", "Trial Started", "2026-01-01"), ("c", "Trial Started", "2026-01-05"), ("c", "Trial Started", "2026-01-20"));

        Sequence(log, "{ event: Trial Started }", "0, 7", reentry).Evaluate(T("2026-02-01"))
            .Select(t => t.At.Day.ToString("00", System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(days.Split(','));
    }

    [Fact]
    public void After_exit_lets_a_customer_start_again_once_the_goal_ended_the_run()
    {
        var log = Log(
            ("c", "Trial Started", "2026-01-01"), ("c", "Subscription Started", "2026-01-03"),
            ("c", "Trial Started", "2026-01-05"), ("c", "Trial Started", "2026-01-20"));

        // Run 1 (Jan 1) exits on Jan 3: its Jan 8 step is dropped, and Jan 5 may start run 2 (the Jan 3 goal came
        // before run 2 began, so it does not stop it): Jan 5 and 12. Run 2 ends Jan 12; Jan 20 starts run 3.
        var triggers = Sequence(log, "{ event: Trial Started }", "0, 7", "after-exit").Evaluate(T("2026-02-01"));

        triggers.Select(t => (t.At, t.Occurrence)).ShouldBe(
        [
            (T("2026-01-01"), "event-20260101T000000.000000Z/step-1"),
            (T("2026-01-05"), "event-20260105T000000.000000Z/step-1"),
            (T("2026-01-12"), "event-20260105T000000.000000Z/step-2"),
            (T("2026-01-20"), "event-20260120T000000.000000Z/step-1"),
            (T("2026-01-27"), "event-20260120T000000.000000Z/step-2"),
        ]);
        triggers.Select(t => t.EnrolledAt).Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public void A_step_written_with_after_falls_due_that_long_after_the_trigger()
    {
        var log = Log(("a", "Signed Up", "2026-01-01 09:00"));
        var journey = Journey("""
            sequences:
              - id: s
                name: S
                trigger: { entered_stage: signup }
                steps:
                  - { after: 5m, then: { channel: in-app, message: welcome } }
                  - { after: 36h, then: { channel: in-app, message: check-in } }
                  - { day: 3, then: { channel: in-app, message: day three } }
            """);

        // 09:00 + 5 minutes; + 36 hours is Jan 2 21:00; day 3 is Jan 4 09:00.
        new RuleEvaluator(journey, log).Evaluate(T("2026-02-01"))
            .Select(t => (t.Step, t.At))
            .ShouldBe([((int?)1, T("2026-01-01 09:05")), (2, T("2026-01-02 21:00")), (3, T("2026-01-04 09:00"))]);

        // Four minutes after the trigger nothing is due yet.
        new RuleEvaluator(journey, log).Evaluate(T("2026-01-01 09:04")).ShouldBeEmpty();
    }
}
