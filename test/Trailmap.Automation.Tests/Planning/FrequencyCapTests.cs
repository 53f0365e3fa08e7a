using CsCheck;
using Shouldly;
using Trailmap.Automation.Planning;
using Trailmap.Automation.Rules;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Planning;

public sealed class FrequencyCapTests
{
    private static Trailmap.Journeys.Model.Journey Capped(int max, string per, string quiet = "") => Journey($$"""
        interventions:
          - { id: a, name: A, when: { event: X }, then: { channel: slack, message: a } }
          - { id: b, name: B, when: { event: Y }, then: { channel: slack, message: b } }
        automation:
          frequency_cap: { max: {{max}}, per: {{per}} }
          {{quiet}}
        """);

    private static Trigger Fired(string rule, string customer, string at) => new(rule, customer, T(at), "o-" + at.Replace(' ', 'T'));

    [Fact]
    public void At_most_max_messages_in_any_window_across_rules()
    {
        var planner = new Planner(Capped(2, "1d"));

        // 09:00 and 10:00 fill the window; 11:00 would make three within 2 hours. Jan 2 09:30: the three latest
        // (Jan 1 09:00, 10:00, Jan 2 09:30) span 24.5 hours, so it fits; 09:45 would put 10:00, 09:30 and 09:45
        // inside 23.75 hours.
        var decisions = planner.Plan(
        [
            Fired("a", "c", "2026-01-01 09:00"), Fired("b", "c", "2026-01-01 10:00"), Fired("a", "c", "2026-01-01 11:00"),
            Fired("b", "c", "2026-01-02 09:30"), Fired("a", "c", "2026-01-02 09:45"), Fired("a", "other", "2026-01-01 11:00"),
        ]);

        decisions.Select(d => (d.Trigger.CustomerId, d.Trigger.At.Hour, d.Trigger.At.Minute, d.Outcome)).ShouldBe(
        [
            ("c", 9, 0, PlanOutcome.Planned), ("c", 10, 0, PlanOutcome.Planned), ("c", 11, 0, PlanOutcome.Capped),
            ("other", 11, 0, PlanOutcome.Planned), ("c", 9, 30, PlanOutcome.Planned), ("c", 9, 45, PlanOutcome.Capped),
        ]);
    }

    [Fact]
    public void Messages_already_sent_count_against_the_cap()
    {
        var planner = new Planner(Capped(2, "1d"), sent: [new SentMessage("c", T("2026-01-01 08:00"))]);

        // With the 08:00 send, 09:00 is the second in the day and 10:00 would be the third.
        planner.Plan([Fired("a", "c", "2026-01-01 09:00"), Fired("a", "c", "2026-01-01 10:00")])
            .Select(d => d.Outcome).ShouldBe([PlanOutcome.Planned, PlanOutcome.Capped]);

        // A second call remembers what the first planned.
        planner.Plan([Fired("b", "c", "2026-01-01 20:00")]).Single().Outcome.ShouldBe(PlanOutcome.Capped);
    }

    [Fact]
    public void Property_no_customer_ever_gets_more_than_max_in_any_window()
    {
        var triggers = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[0, 10 * 24 * 60]).Array[0, 60];
        string[] quiets = ["", "quiet_hours: { from: \"22:00\", to: \"07:00\", default_timezone: Europe/Berlin }"];
        string[] pers = ["1h", "6h", "1d", "3d"];
        Gen.Select(triggers, Gen.Int[1, 4], Gen.Int[0, pers.Length - 1].Select(i => pers[i]), Gen.Int[0, 1].Select(i => quiets[i])).Sample((fired, max, per, q) =>
        {
            var planner = new Planner(Capped(max, per, q));
            var decisions = planner.Plan(fired.Select((f, i) =>
                new Trigger(f.Item2 == 0 ? "a" : "b", "c" + f.Item1, T("2026-03-25").AddMinutes(f.Item3), "o" + i)));

            decisions.Count.ShouldBe(fired.Length);
            var window = Trailmap.Journeys.Model.Duration.Parse(per).Span;
            foreach (var customer in decisions.Where(d => d.Message is not null).GroupBy(d => d.Trigger.CustomerId))
            {
                var times = customer.Select(d => d.Message!.DueAt).ToList();

                // Naive: every window [t, t + per) that starts at a message holds at most max messages.
                foreach (var t in times)
                {
                    times.Count(u => u >= t && u < t + window).ShouldBeLessThanOrEqualTo(max);
                }
            }
        }, iter: 400);
    }
}
