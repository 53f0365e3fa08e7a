using Shouldly;
using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Rules;
using Trailmap.Events;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Rules;

/// <summary>Every condition kind on tiny logs; each expected firing is worked out in the comments.</summary>
public sealed class ConditionTests
{
    private static List<(string Customer, DateTimeOffset At, string Occurrence)> Fire(string when, EventLog log, string asOf, string extra = "", string head = "")
    {
        var journey = Journey($$"""
            {{extra}}
            interventions:
              - { id: r, name: R, when: {{when}}, then: { channel: slack, message: hi } }
            """, head);
        return [.. new RuleEvaluator(journey, log).Evaluate(T(asOf)).Select(t => (t.CustomerId, t.At, t.Occurrence))];
    }

    [Fact]
    public void Event_fires_for_every_matching_event_with_a_key_per_instant()
    {
        var b = new EventLogBuilder();
        b.Add("a", "Survey Answered", T("2026-01-01 10:00"), new Dictionary<string, object?> { ["score"] = 5.0 });
        b.Add("a", "Survey Answered", T("2026-01-01 11:00"), new Dictionary<string, object?> { ["score"] = 9.0 });
        b.Add("a", "Survey Answered", T("2026-01-01 12:00"), new Dictionary<string, object?> { ["score"] = 3.0 });
        b.Add("a", "Survey Answered", T("2026-01-01 12:00"), new Dictionary<string, object?> { ["score"] = 2.0 });
        b.Add("b", "Survey Answered", T("2026-01-02 12:00"), new Dictionary<string, object?> { ["score"] = 6.0 });
        var log = b.Build();

        // score < 7: a's 10:00 (5), 12:00 (3) and 12:00 again (2, the second at that instant); b's 6. Not a's 9.
        Fire("{ event: { event: Survey Answered, where: \"score < 7\" } }", log, "2026-02-01").ShouldBe(
        [
            ("a", T("2026-01-01 10:00"), "event-20260101T100000.000000Z"),
            ("a", T("2026-01-01 12:00"), "event-20260101T120000.000000Z"),
            ("a", T("2026-01-01 12:00"), "event-20260101T120000.000000Z-2"),
            ("b", T("2026-01-02 12:00"), "event-20260102T120000.000000Z"),
        ]);
    }

    [Fact]
    public void Event_trigger_carries_the_event_properties_and_a_stable_key()
    {
        var b = new EventLogBuilder().Add("a", "Paid", T("2026-01-01 10:00"), new Dictionary<string, object?> { ["plan"] = "team" });
        var journey = Journey("interventions: [{ id: r, name: R, when: { event: Paid }, then: { channel: slack, message: hi } }]");
        var evaluator = new RuleEvaluator(journey, b.Build());

        var first = evaluator.Evaluate(T("2026-01-02")).ShouldHaveSingleItem();
        var again = evaluator.Evaluate(T("2026-03-01")).ShouldHaveSingleItem();

        first.IdempotencyKey.ShouldBe("r:a:event-20260101T100000.000000Z");
        again.IdempotencyKey.ShouldBe(first.IdempotencyKey);
        first.EventProperties!["plan"].ShouldBe("team");
    }

    [Fact]
    public void Inactivity_fires_once_per_quiet_spell_at_last_activity_plus_the_duration()
    {
        var log = Log(
            ("a", "Signed Up", "2026-01-01"), ("a", "Logged In", "2026-01-03"), ("a", "Logged In", "2026-01-10"), ("a", "Logged In", "2026-01-30"),
            ("b", "Signed Up", "2026-01-05 12:00"),
            ("c", "Logged In", "2026-01-01"), ("c", "Logged In", "2026-01-15"));

        // a: spells start at the first event (Jan 1) and at each login. Jan 1 -> Jan 3 and Jan 3 -> Jan 10 are shorter
        //    than 14 days; Jan 10 -> Jan 30 is 20 days: fires at Jan 10 + 14d = Jan 24. Jan 30 + 14d = Feb 13.
        // b: never logged in; counts from the first event: Jan 5 12:00 + 14d = Jan 19 12:00.
        // c: the next login comes exactly 14 days later (Jan 15 = Jan 1 + 14d): not quiet for longer, no firing;
        //    Jan 15 + 14d = Jan 29.
        Fire("{ no_event: Logged In, for: 14d }", log, "2026-03-01").ShouldBe(
        [
            ("a", T("2026-01-24"), "quiet-20260110T000000.000000Z"),
            ("a", T("2026-02-13"), "quiet-20260130T000000.000000Z"),
            ("b", T("2026-01-19 12:00"), "quiet-20260105T120000.000000Z"),
            ("c", T("2026-01-29"), "quiet-20260115T000000.000000Z"),
        ], ignoreOrder: true);

        // As of Jan 29 00:00 exactly c's spell has lasted 14 days (fires); a day earlier it has not.
        Fire("{ no_event: Logged In, for: 14d }", log, "2026-01-29").Where(f => f.Customer == "c").ShouldHaveSingleItem();
        Fire("{ no_event: Logged In, for: 14d }", log, "2026-01-28 23:59").Where(f => f.Customer == "c").ShouldBeEmpty();
    }

    [Fact]
    public void Inactivity_with_a_filtered_event_ignores_other_events()
    {
        var b = new EventLogBuilder();
        b.Add("a", "Feature Used", T("2026-01-01"), new Dictionary<string, object?> { ["feature"] = "reports" });
        b.Add("a", "Feature Used", T("2026-01-05"), new Dictionary<string, object?> { ["feature"] = "boards" });

        // Only the reports use counts: Jan 1 + 3d = Jan 4; the boards use on Jan 5 starts no spell.
        Fire("{ no_event: { event: Feature Used, where: { feature: reports } }, for: 3d }", b.Build(), "2026-01-31")
            .ShouldBe([("a", T("2026-01-04"), "quiet-20260101T000000.000000Z")]);
    }

    [Fact]
    public void Entered_stage_fires_when_the_stage_funnel_first_reaches_it()
    {
        var log = Log(
            ("a", "Signed Up", "2026-01-01"), ("a", "Board Shared", "2026-01-02"), ("a", "Board Shared", "2026-01-05"),
            ("b", "Board Shared", "2026-01-01"), ("b", "Signed Up", "2026-01-03"), ("b", "Board Shared", "2026-01-04"),
            ("c", "Signed Up", "2026-01-01"), ("c", "Signed Up", "2026-01-10"), ("c", "Board Shared", "2026-01-11"));

        // a enters activate at its first share after signing up (Jan 2), once; b's Jan 1 share precedes its signup,
        // so b enters on Jan 4; c enters on Jan 11 (its second signup does not move anything).
        Fire("{ entered_stage: activate }", log, "2026-02-01").ShouldBe(
        [
            ("a", T("2026-01-02"), "entered-20260102T000000.000000Z"),
            ("b", T("2026-01-04"), "entered-20260104T000000.000000Z"),
            ("c", T("2026-01-11"), "entered-20260111T000000.000000Z"),
        ]);
    }

    [Fact]
    public void Entered_stage_respects_the_journey_window_like_analyze()
    {
        var log = Log(
            ("d", "Signed Up", "2026-01-01"), ("d", "Board Shared", "2026-01-09"),
            ("e", "Signed Up", "2026-01-01"), ("e", "Signed Up", "2026-01-05"), ("e", "Board Shared", "2026-01-09"));

        // window 7d: d shares 8 days after its only signup (never enters); e's Jan 5 signup opens a window that
        // reaches Jan 9, so e enters activate on Jan 9.
        var fired = Fire("{ entered_stage: activate }", log, "2026-02-01", head: "window: 7d");
        fired.ShouldBe([("e", T("2026-01-09"), "entered-20260109T000000.000000Z")]);

        var journey = Journey("", "window: 7d");
        JourneyAnalyzer.Analyze(journey, log).Stages.Single(s => s.Id == "activate").Reached.ShouldBe(fired.Count);
    }

    [Fact]
    public void Stuck_fires_at_entry_plus_duration_when_the_next_stage_is_not_reached_by_then()
    {
        var log = Log(
            ("a", "Signed Up", "2026-01-01"), ("a", "Board Shared", "2026-01-02"),
            ("b", "Signed Up", "2026-01-01"), ("b", "Board Shared", "2026-01-05"),
            ("c", "Signed Up", "2026-01-01"),
            ("d", "Signed Up", "2026-01-01"), ("d", "Board Shared", "2026-01-04"));

        // for 3d after the Jan 1 signup: a activated on day 1 (no); b on day 4, after Jan 4 (stuck at Jan 4);
        // c never (stuck at Jan 4); d exactly at Jan 4 = entry + 3d, reached by then (no).
        Fire("{ stuck_in_stage: signup, for: 3d }", log, "2026-02-01").ShouldBe(
        [
            ("b", T("2026-01-04"), "stuck-20260101T000000.000000Z"),
            ("c", T("2026-01-04"), "stuck-20260101T000000.000000Z"),
        ]);
        Fire("{ stuck_in_stage: signup, for: 3d }", log, "2026-01-03 23:59").ShouldBeEmpty();

        // The last stage has no next stage, so no one is ever stuck in it.
        Fire("{ stuck_in_stage: pay, for: 1d }", Log(("a", "Signed Up", "2026-01-01"), ("a", "Board Shared", "2026-01-02"), ("a", "Subscription Started", "2026-01-03")), "2026-02-01")
            .ShouldBeEmpty();
    }

    [Fact]
    public void Missed_moment_fires_at_the_deadline_of_customers_who_did_not_hit_it()
    {
        const string moment = """
            moments_of_truth:
              - { id: first-board, name: First board, condition: Board Shared, deadline: within 3d of signup }
            """;
        var log = Log(
            ("a", "Signed Up", "2026-01-01"), ("a", "Board Shared", "2026-01-03"),
            ("b", "Signed Up", "2026-01-01 12:00"), ("b", "Board Shared", "2026-01-06"),
            ("c", "Signed Up", "2026-01-02"));

        // a hit it on day 2; b's deadline is Jan 4 12:00 (shared later); c's is Jan 5.
        Fire("{ missed_moment: first-board }", log, "2026-02-01", moment).ShouldBe(
        [
            ("b", T("2026-01-04 12:00"), "missed-20260104T120000.000000Z"),
            ("c", T("2026-01-05"), "missed-20260105T000000.000000Z"),
        ]);
        Fire("{ missed_moment: first-board }", log, "2026-01-04 12:00", moment).Select(f => f.Customer).ShouldBe(["b"]);

        // Analyze counts the same customers: 3 eligible, 1 hit.
        var m = JourneyAnalyzer.Analyze(Journey(moment), log).MomentsOfTruth.Single();
        (m.Eligible, m.Hit).ShouldBe((3L, 1L));
    }

    [Fact]
    public void Metric_on_traits_and_days_since_start_fires_once_on_crossing()
    {
        var log = Log(
            Traits(("a", "plan", "team"), ("b", "plan", "solo")),
            ("a", "Signed Up", "2026-01-01 10:00"), ("b", "Signed Up", "2026-01-01 10:00"));

        // Measured at midnights from Jan 2: a's whole days since start are 0 (Jan 2), 1, 2, 3 (Jan 5 00:00 is
        // 3 days 14 hours after Jan 1 10:00): crosses on Jan 5 and stays above. b is on the solo plan.
        Fire("{ metric: 'days_since_start >= 3 and plan == \"team\"' }", log, "2026-01-20")
            .ShouldBe([("a", T("2026-01-05"), "metric-20260105T000000.000000Z")]);
    }

    [Fact]
    public void Health_below_a_threshold_fires_on_each_crossing()
    {
        const string health = """
            health:
              components:
                - { id: r, name: Login recency, type: recency, event: Logged In, good: 1d, bad: 11d }
            """;
        var log = Log(("a", "Logged In", "2026-01-01 12:00"), ("a", "Logged In", "2026-01-10 12:00"));

        // Score = 100 * (11 - days since login) / 10 between 1 and 11 days, so health < 60 means more than 5 days.
        // Midnights: Jan 6 00:00 is 4.5 days (65); Jan 7 00:00 is 5.5 days (45): crosses. Still below until the
        // Jan 10 login; Jan 11 00:00 is 0.5 days (100); Jan 16 00:00 is 5.5 days again: crosses again.
        Fire("{ metric: \"health < 60\" }", log, "2026-01-20", health).ShouldBe(
        [
            ("a", T("2026-01-07"), "metric-20260107T000000.000000Z"),
            ("a", T("2026-01-16"), "metric-20260116T000000.000000Z"),
        ]);
    }

    [Fact]
    public void Trait_changed_fires_when_an_event_carries_a_new_value()
    {
        var b = new EventLogBuilder();
        b.Add("a", "Plan Changed", T("2026-01-01"), new Dictionary<string, object?> { ["plan"] = "trial" });
        b.Add("a", "Plan Changed", T("2026-01-05"), new Dictionary<string, object?> { ["plan"] = "team" });
        b.Add("a", "Page Viewed", T("2026-01-06"));
        b.Add("a", "Invoice Paid", T("2026-01-07"), new Dictionary<string, object?> { ["plan"] = "team" });
        b.Add("a", "Plan Changed", T("2026-01-09"), new Dictionary<string, object?> { ["plan"] = "business" });

        // trial (first seen: no change) -> team on Jan 5 -> team again (no change) -> business on Jan 9.
        Fire("{ trait_changed: plan }", b.Build(), "2026-02-01").ShouldBe(
        [
            ("a", T("2026-01-05"), "trait-20260105T000000.000000Z"),
            ("a", T("2026-01-09"), "trait-20260109T000000.000000Z"),
        ]);
    }
}
