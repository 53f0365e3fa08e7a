using Shouldly;
using Trailmap.Automation.Planning;
using Trailmap.Automation.Rules;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Planning;

public sealed class PlannerTests
{
    private static readonly Trailmap.Journeys.Model.Journey Rules = Journey("""
        interventions:
          - { id: skip, name: S, when: { event: X }, then: { channel: email, subject: Hi }, on_resume: skip }
          - { id: send, name: T, when: { event: X }, then: { channel: email, subject: Hi }, on_resume: send }
          - { id: plain, name: P, when: { event: X }, then: { channel: email, subject: Hi } }
          - { id: held, name: H, when: { event: X }, then: { channel: email, subject: Hi }, holdout: 100% }
        sequences:
          - id: seq
            name: Q
            trigger: { event: X }
            steps: [{ day: 0, then: { channel: in-app, message: one } }, { day: 2, then: { channel: slack, message: two } }]
        """);

    [Fact]
    public void Overdue_triggers_of_a_resumed_rule_are_skipped_or_sent_at_the_resume_time()
    {
        var resumed = new Dictionary<string, DateTimeOffset> { ["skip"] = T("2026-01-05"), ["send"] = T("2026-01-05"), ["plain"] = T("2026-01-05") };
        var planner = new Planner(Rules, resumedAt: resumed);

        var d = planner.Plan(
        [
            new Trigger("skip", "c", T("2026-01-03"), "o1"), new Trigger("skip", "c", T("2026-01-06"), "o2"),
            new Trigger("send", "c", T("2026-01-03"), "o1"), new Trigger("plain", "c", T("2026-01-03"), "o1"),
        ]).ToDictionary(x => (x.Trigger.RuleId, x.Trigger.Occurrence));

        d[("skip", "o1")].Outcome.ShouldBe(PlanOutcome.SkippedOverdue);
        d[("skip", "o2")].Message!.DueAt.ShouldBe(T("2026-01-06"));
        d[("send", "o1")].Message!.DueAt.ShouldBe(T("2026-01-05"));
        d[("plain", "o1")].Outcome.ShouldBe(PlanOutcome.SkippedOverdue);   // skip is the default
    }

    [Fact]
    public void Held_out_customers_are_recorded_and_never_messaged()
    {
        var d = new Planner(Rules).Plan([new Trigger("held", "c", T("2026-01-03"), "o1")]).Single();

        (d.Outcome, d.Message).ShouldBe((PlanOutcome.HeldOut, null));
    }

    [Fact]
    public void Message_has_the_outbox_fields_the_step_action_and_flattened_data()
    {
        var trigger = new Trigger("seq", "c-1", T("2026-01-03"), "event-x/step-2")
        {
            Step = 2,
            EventProperties = new Dictionary<string, object?> { ["plan"] = "team", ["seats"] = 5.0, ["trial"] = true },
        };
        var planner = new Planner(Rules, Traits(("c-1", "email", "ana@example.com"), ("c-1", "name", null)));

        var m = planner.Plan([trigger]).Single().Message!;

        m.IdempotencyKey.ShouldBe("seq:c-1:event-x/step-2");
        (m.RuleId, m.CustomerId, m.DueAt).ShouldBe(("seq", "c-1", T("2026-01-03")));
        m.Action.Message.ShouldBe("two");
        m.Data.ShouldBe(new Dictionary<string, string?>
        {
            ["customer.id"] = "c-1",
            ["customer.email"] = "ana@example.com",
            ["customer.name"] = null,
            ["event.plan"] = "team",
            ["event.seats"] = "5",
            ["event.trial"] = "true",
        }, ignoreOrder: true);
        m.Trigger.ShouldBe(trigger);
    }

    [Fact]
    public void A_trigger_for_an_unknown_rule_is_a_programming_error()
    {
        Should.Throw<ArgumentException>(() => new Planner(Rules).Plan([new Trigger("nope", "c", T("2026-01-03"), "o")]))
            .Message.ShouldContain("'nope'");
    }
}
