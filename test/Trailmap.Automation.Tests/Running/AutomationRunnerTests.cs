using Shouldly;
using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Trailmap.Delivery.Tests.Infrastructure;
using Trailmap.Events;
using Xunit;

namespace Trailmap.Automation.Tests.Running;

/// <summary>
/// The runner's contract: every case runs with the state and the outbox in the workspace's DuckDB file here, and in
/// PostgreSQL (<c>--state</c>) in <see cref="PostgresAutomationRunnerTests"/>.
/// </summary>
public class AutomationRunnerTests : IDisposable
{
    /// <summary>Where the fixture keeps the state and the outbox: null for the DuckDB file.</summary>
    protected virtual PostgresAddress? State => null;

    private RunnerFixture Fixture(
        DateTimeOffset start, int sweepSlice = int.MaxValue, Func<AutomatedJourney, EventLog, bool, CancellationToken, Task<JourneyMeasurement?>>? shared = null) =>
        new(start, sweepSlice, State, shared);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private const string Head = """
        id: j
        title: J
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
        """;

    private static string SharedRule(string extra = "") => Head + $$"""

        interventions:
          - id: shared
            name: Board shared
            when: { event: Board Shared }
            then: { channel: in-app, message: "Nice board" }
            {{extra}}
        """;

    private static string Key(string customer, string at) => $"j/shared:{customer}:event-{at}";

    [Fact]
    public async Task A_new_rule_ignores_history_decides_each_trigger_once_and_keeps_that_across_restarts()
    {
        using var f = Fixture(Tiny.T("2026-01-10 12:00"));
        f.Journeys["j"] = SharedRule();
        // a shared before the rule was first seen; b shares an hour after it.
        f.Log = Tiny.Log(("a", "Board Shared", "2026-01-05 10:00"), ("b", "Board Shared", "2026-01-10 13:00"));

        var first = await f.PassAsync();
        first.Rules.Single().ShouldBe(new RulePass("j", "shared", 0, 0, 0, 0, 0, 0, 0, false));
        f.Runner.Rules().Single().ActiveSince.ShouldBe(Tiny.T("2026-01-10 12:00"));
        f.Messages().ShouldBeEmpty();

        f.At("2026-01-10 14:00");
        var second = await f.PassAsync();
        // a's firing is before activation and never counted; b's is new: 1 triggered, 1 decided, 1 planned.
        second.Rules.Single().ShouldBe(new RulePass("j", "shared", 1, 1, 1, 0, 0, 0, 0, false));
        f.Messages().Keys.ShouldBe([Key("b", "20260110T130000.000000Z")]);

        // Nothing changed since: the next pass within the minute looks at nobody, and the full one decides nothing new.
        var third = await f.PassAsync();
        third.ShouldSatisfyAllConditions(p => p.Full.ShouldBeFalse(), p => p.Customers.ShouldBe(0));
        third.Rules.Single().ShouldBe(new RulePass("j", "shared", 0, 0, 0, 0, 0, 0, 0, false));
        f.At("2026-01-10 14:01");
        var fullAgain = await f.PassAsync();
        fullAgain.Full.ShouldBeTrue();
        fullAgain.Rules.Single().ShouldBe(new RulePass("j", "shared", 1, 0, 0, 0, 0, 0, 0, false));

        f.Reopen();
        f.At("2026-01-11 09:00");
        var afterRestart = await f.PassAsync();
        afterRestart.Rules.Single().Decided.ShouldBe(0);
        f.Messages().Count.ShouldBe(1);
        f.Runner.Rules().Single().ActiveSince.ShouldBe(Tiny.T("2026-01-10 12:00"));
    }

    [Fact]
    public async Task Resume_with_skip_drops_what_fell_due_while_paused_in_the_outbox_and_in_new_triggers()
    {
        using var f = Fixture(Tiny.T("2026-01-10 00:00"));
        f.Journeys["j"] = SharedRule();
        f.Log = Tiny.Log(
            ("c1", "Board Shared", "2026-01-10 10:00"),
            ("c2", "Board Shared", "2026-01-11 10:00"),
            ("c3", "Board Shared", "2026-01-12 10:00"),
            ("c4", "Board Shared", "2026-01-12 13:00"));
        await f.PassAsync();
        f.At("2026-01-10 11:00");
        (await f.PassAsync()).Rules.Single().Planned.ShouldBe(1);
        f.Runner.Pause("j", "shared", "ann@example.test").ShouldBeTrue();
        f.Runner.Pause("j", "shared", "bob@example.test").ShouldBeFalse();
        f.Outbox.PausedRules().Single().RuleId.ShouldBe("j/shared");

        f.At("2026-01-12 12:00");
        var paused = await f.PassAsync();
        // c2 and c3 fired while paused: triggered 3 in all (c1 decided before), 2 waiting, none decided.
        paused.Rules.Single().ShouldBe(new RulePass("j", "shared", 3, 0, 0, 0, 0, 0, 2, true));
        var state = f.Runner.Rules().Single();
        (state.PausedSince, state.PausedBy).ShouldBe((Tiny.T("2026-01-10 11:00"), "ann@example.test"));

        // c1's message (due Jan 10 10:00) is overdue at the resume: skipped in the outbox.
        f.Runner.Resume("j", "shared", "ann@example.test").ShouldBe(new ResumeResult(true, 1));
        var c1 = f.Messages()[Key("c1", "20260110T100000.000000Z")];
        c1.State.ShouldBe(OutboxState.Suppressed);
        c1.LastError!.ShouldContain("on_resume: skip");
        f.Outbox.PausedRules().ShouldBeEmpty();

        var resumed = await f.PassAsync();
        resumed.Rules.Single().ShouldBe(new RulePass("j", "shared", 3, 2, 0, 0, 0, 2, 0, false));

        f.At("2026-01-12 14:00");
        (await f.PassAsync()).Rules.Single().Planned.ShouldBe(1); // c4 fired after the resume
        f.Messages().Count.ShouldBe(2);
        f.Runner.Rules().Single().ShouldSatisfyAllConditions(
            r => r.Planned.ShouldBe(2), r => r.Skipped.ShouldBe(2), r => r.ResumedAt.ShouldBe(Tiny.T("2026-01-12 12:00")));
    }

    [Fact]
    public async Task Resume_with_send_sends_what_was_held_once_due_at_the_resume()
    {
        using var f = Fixture(Tiny.T("2026-01-10 00:00"));
        f.Journeys["j"] = SharedRule("on_resume: send");
        f.Log = Tiny.Log(("c1", "Board Shared", "2026-01-10 10:00"), ("c2", "Board Shared", "2026-01-11 10:00"));
        await f.PassAsync();
        f.At("2026-01-10 11:00");
        await f.PassAsync();
        f.Runner.Pause("j", "shared", "ann");
        f.At("2026-01-12 12:00");
        await f.PassAsync();
        f.Runner.Resume("j", "shared", "ann").ShouldBe(new ResumeResult(true, 0));
        var pass = await f.PassAsync();
        pass.Rules.Single().Planned.ShouldBe(1);
        var messages = f.Messages();
        messages[Key("c2", "20260111T100000.000000Z")].DueAt.ShouldBe(Tiny.T("2026-01-12 12:00"));

        var dispatcher = new Dispatcher(f.Outbox, [new InAppChannel(new InAppQueue(f.Outbox))], time: f.Clock);
        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(2);
        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Claimed.ShouldBe(0);
        new InAppQueue(f.Outbox).Pending("c1").Count.ShouldBe(1);
        new InAppQueue(f.Outbox).Pending("c2").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_removed_rule_keeps_its_state_and_fires_nothing_and_a_broken_journey_does_not_stop_the_others()
    {
        using var f = Fixture(Tiny.T("2026-01-10 00:00"));
        f.Journeys["j"] = SharedRule();
        f.Journeys["broken"] = "id: broken\ntitle: [unclosed";
        f.Log = Tiny.Log(("c1", "Board Shared", "2026-01-10 10:00"), ("c2", "Board Shared", "2026-01-11 10:00"));
        var first = await f.PassAsync();
        first.Problems.Single().JourneyId.ShouldBe("broken");
        first.Rules.Single().RuleId.ShouldBe("shared");

        f.At("2026-01-10 11:00");
        (await f.PassAsync()).Rules.Single().Planned.ShouldBe(1);

        f.Journeys["j"] = SharedRule().Replace("id: shared", "id: shared-v2", StringComparison.Ordinal);
        f.At("2026-01-11 11:00");
        var edited = await f.PassAsync();
        // shared-v2 is new, so c2's share (before its activation) is not decided; shared is gone: nothing fires.
        edited.Rules.Single().ShouldBe(new RulePass("j", "shared-v2", 0, 0, 0, 0, 0, 0, 0, false));
        f.Messages().Count.ShouldBe(1);
        var rules = f.Runner.Rules();
        rules.Single(r => r.RuleId == "shared").ShouldSatisfyAllConditions(r => r.InJourney.ShouldBeFalse(), r => r.Planned.ShouldBe(1));
        rules.Single(r => r.RuleId == "shared-v2").InJourney.ShouldBeTrue();
    }

    [Fact]
    public async Task Between_full_passes_a_pass_decides_the_customers_who_changed_and_the_next_full_pass_the_rest()
    {
        using var f = Fixture(Tiny.T("2026-01-10 00:00:00"));
        f.Journeys["j"] = SharedRule() + """

              - id: quiet
                name: Quiet for a day
                when: { no_event: Logged In, for: 1d }
                then: { channel: in-app, message: "Still there?" }
            """;
        // c1's quiet spell ends at 00:00:10, after the first pass; c2 shares a board at 00:00:20.
        var history = new[] { ("c1", "Logged In", "2026-01-09 00:00:10"), ("c2", "Signed Up", "2026-01-09 12:00:00") };
        f.Log = Tiny.Log(history);
        var first = await f.PassAsync();
        first.Full.ShouldBeTrue();
        first.Customers.ShouldBe(2);
        first.Planned.ShouldBe(0);

        f.Log = Tiny.Log([.. history, ("c2", "Board Shared", "2026-01-10 00:00:20")]);
        f.At("2026-01-10 00:00:30");
        var changed = await f.PassAsync();
        changed.Full.ShouldBeFalse();
        changed.Customers.ShouldBe(1); // c2 only: its share is decided at once; c1 did not change
        f.Messages().Keys.ShouldBe([Key("c2", "20260110T000020.000000Z")]);

        // A minute after the first pass: a full pass, which decides c1's quiet spell (and nothing twice).
        f.At("2026-01-10 00:01:00");
        var full = await f.PassAsync();
        full.Full.ShouldBeTrue();
        full.Customers.ShouldBe(2);
        f.Messages().Keys.Order(StringComparer.Ordinal).ShouldBe(
            [Key("c2", "20260110T000020.000000Z"), "j/quiet:c1:quiet-20260109T000010.000000Z"], ignoreOrder: true);

        // Editing the journey makes the next pass a full one at once.
        f.Journeys["j"] = f.Journeys["j"].Replace("Still there?", "Still around?", StringComparison.Ordinal);
        f.At("2026-01-10 00:01:10");
        (await f.PassAsync()).Full.ShouldBeTrue();
    }

    [Fact]
    public async Task A_sweep_in_slices_reaches_every_customer_while_changed_customers_go_first()
    {
        // One customer per slice: the sweep takes three passes.
        using var f = Fixture(Tiny.T("2026-01-10 00:00:00"), sweepSlice: 1);
        f.Journeys["j"] = SharedRule() + """

              - id: quiet
                name: Quiet for a day
                when: { no_event: Logged In, for: 1d }
                then: { channel: in-app, message: "Still there?" }
            """;
        // Each customer's quiet spell ends at 00:00:10, after the first pass (so activation does not hide it).
        var history = new[] { ("c1", "Logged In", "2026-01-09 00:00:10"), ("c2", "Logged In", "2026-01-09 00:00:10"), ("c3", "Logged In", "2026-01-09 00:00:10") };
        f.Log = Tiny.Log(history);
        var first = await f.PassAsync();
        first.ShouldSatisfyAllConditions(p => p.Full.ShouldBeFalse(), p => p.Customers.ShouldBe(1));
        f.Runner.Sweeping.ShouldBeTrue();

        f.At("2026-01-10 00:00:20");
        var second = await f.PassAsync(); // the slice: c2
        second.Customers.ShouldBe(1);
        f.Messages().Keys.ShouldBe(["j/quiet:c2:quiet-20260109T000010.000000Z"]);

        // c3 shares a board: this pass takes c3 as changed, and c3 is also the sweep's last slice.
        f.Log = Tiny.Log([.. history, ("c3", "Board Shared", "2026-01-10 00:00:25")]);
        f.At("2026-01-10 00:00:30");
        var third = await f.PassAsync();
        third.Customers.ShouldBe(1);
        f.Runner.Sweeping.ShouldBeFalse();
        f.Messages().Keys.ShouldBe(
            ["j/quiet:c2:quiet-20260109T000010.000000Z", "j/quiet:c3:quiet-20260109T000010.000000Z", Key("c3", "20260110T000025.000000Z")], ignoreOrder: true);

        // c1 was the first pass's slice, when its spell had not ended yet: the next sweep, a minute on, decides it.
        f.At("2026-01-10 00:00:40");
        (await f.PassAsync()).Customers.ShouldBe(0);
        f.At("2026-01-10 00:01:00");
        (await f.PassAsync()).Customers.ShouldBe(1);
        f.Messages().Keys.ShouldContain("j/quiet:c1:quiet-20260109T000010.000000Z");
    }

    private const string StageRule = """
        id: j
        title: J
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
          - { id: activate, name: Activate, entry: Board Shared }
        interventions:
          - id: welcome
            name: Welcome to the board
            when: { entered_stage: activate }
            then: { channel: in-app, message: "Welcome" }
        """;

    private static readonly (string, string, string)[] ThreeSignups =
        [("c1", "Signed Up", "2026-01-09 10:00"), ("c2", "Signed Up", "2026-01-09 11:00"), ("c3", "Signed Up", "2026-01-09 12:00")];

    [Fact]
    public async Task A_sweep_measures_its_log_once_and_the_next_sweep_only_the_customers_with_new_events()
    {
        using var f = Fixture(Tiny.T("2026-01-10 00:00:00"), sweepSlice: 2);
        f.Journeys["j"] = StageRule;
        var before = Tiny.Log(ThreeSignups);
        f.Log = before;

        // Two slices of one sweep log (c1 c2, then c3): one measurement of all three customers serves both.
        await f.PassAsync();
        f.At("2026-01-10 00:00:05");
        await f.PassAsync();
        f.Runner.Sweeping.ShouldBeFalse();
        f.Runner.MeasurementsUsed.ShouldBe(new SweepMeasurements(0, 1, 3));

        // c2 shares a board: the changed-customers path decides it from c2's fresh history, measured on its own.
        var delta = new EventLogBuilder();
        delta.Add("c2", "Board Shared", EventLogBuilder.ToMicros(Tiny.T("2026-01-10 00:00:30")), 3);
        f.Log = before.Extend(delta.Build(), null);
        f.At("2026-01-10 00:00:40");
        (await f.PassAsync()).Rules.Single().Planned.ShouldBe(1);
        f.Runner.MeasurementsUsed.ShouldBe(new SweepMeasurements(0, 1, 3));

        // A minute on, a new sweep of the extended log measures again only c2, the one customer with a new event,
        // and decides nothing twice.
        f.At("2026-01-10 00:01:00");
        (await f.PassAsync()).Rules.Single().Triggered.ShouldBe(1);
        f.At("2026-01-10 00:01:05");
        (await f.PassAsync()).Rules.Single().Decided.ShouldBe(0);
        f.Runner.MeasurementsUsed.ShouldBe(new SweepMeasurements(0, 2, 4));
        f.Messages().Keys.ShouldBe(["j/welcome:c2:entered-20260110T000030.000000Z"]);

        // A log loaded afresh (not an extension of the last) is measured whole.
        f.Log = Tiny.Log([.. ThreeSignups, ("c2", "Board Shared", "2026-01-10 00:00:30")]);
        f.At("2026-01-10 00:02:00");
        await f.PassAsync();
        f.Runner.MeasurementsUsed.ShouldBe(new SweepMeasurements(0, 3, 7));
    }

    [Fact]
    public async Task A_sweep_reads_the_measurement_the_pages_share_when_it_is_of_its_very_log()
    {
        var asked = 0;
        EventLog? other = null;
        using var f = Fixture(Tiny.T("2026-01-10 00:00:00"), shared: (journey, log, _, _) =>
        {
            asked++;
            return Task.FromResult<JourneyMeasurement?>(JourneyMeasurement.Measure(journey.Journey!, other ?? log));
        });
        f.Journeys["j"] = StageRule;
        f.Log = Tiny.Log(ThreeSignups);
        await f.PassAsync();
        f.Log = Tiny.Log([.. ThreeSignups, ("c3", "Board Shared", "2026-01-10 00:00:30")]);
        f.At("2026-01-10 00:01:00");
        (await f.PassAsync()).Rules.Single().Planned.ShouldBe(1);
        f.Messages().Keys.ShouldBe(["j/welcome:c3:entered-20260110T000030.000000Z"]);
        asked.ShouldBe(2);
        f.Runner.MeasurementsUsed.ShouldBe(new SweepMeasurements(2, 0, 0));

        // A measurement of some other log is never used: the runner measures its own.
        other = Tiny.Log(ThreeSignups);
        f.Log = Tiny.Log([.. ThreeSignups, ("c3", "Board Shared", "2026-01-10 00:00:30"), ("c1", "Board Shared", "2026-01-10 00:01:30")]);
        f.At("2026-01-10 00:02:00");
        (await f.PassAsync()).Rules.Single().Planned.ShouldBe(1);
        f.Runner.MeasurementsUsed.ShouldBe(new SweepMeasurements(2, 1, 3));
        f.Messages().Keys.ShouldContain("j/welcome:c1:entered-20260110T000130.000000Z");
    }

    [Fact]
    public Task A_message_enqueued_by_a_pass_that_died_before_recording_is_recorded_not_planned_again() =>
        EnqueuedButNotRecordedAsync();

    private async Task EnqueuedButNotRecordedAsync()
    {
        using var f = Fixture(Tiny.T("2026-01-10 00:00"));
        f.Journeys["j"] = SharedRule();
        f.Log = Tiny.Log(("c1", "Board Shared", "2026-01-10 10:00"));
        await f.PassAsync();
        var key = Key("c1", "20260110T100000.000000Z");
        // What the pass would have enqueued, due a minute later than the trigger so we can tell the copies apart.
        f.Outbox.Enqueue(new OutboxMessage(key, "j/shared", "c1",
            new Trailmap.Journeys.Model.InterventionAction { Channel = Trailmap.Journeys.Model.ActionChannel.InApp, Message = "x" },
            Tiny.T("2026-01-10 10:01"), new Dictionary<string, string?>()));

        // A pass dies between the two steps only with its process (or with an error that fails the pass); the next
        // process looks for such messages once.
        f.Reopen();
        f.At("2026-01-10 11:00");
        var pass = await f.PassAsync();
        pass.Rules.Single().ShouldBe(new RulePass("j", "shared", 1, 0, 0, 0, 0, 0, 0, false));
        f.Messages()[key].DueAt.ShouldBe(Tiny.T("2026-01-10 10:01"));
        f.Runner.Rules().Single().Planned.ShouldBe(1);
    }

    [Fact]
    public async Task The_frequency_cap_counts_messages_planned_by_earlier_passes()
    {
        using var f = Fixture(Tiny.T("2026-01-10 00:00"));
        f.Journeys["j"] = SharedRule().Replace("stages:", "automation: { frequency_cap: { max: 1, per: 7d } }\nstages:", StringComparison.Ordinal);
        f.Log = Tiny.Log(("c1", "Board Shared", "2026-01-10 10:00"), ("c1", "Board Shared", "2026-01-13 10:00"), ("c1", "Board Shared", "2026-01-18 10:00"));
        await f.PassAsync();
        f.At("2026-01-10 11:00");
        (await f.PassAsync()).Rules.Single().Planned.ShouldBe(1);
        f.At("2026-01-13 11:00");
        // Jan 13 is 3 days after Jan 10: a second message in 7 days breaks max 1.
        (await f.PassAsync()).Rules.Single().Capped.ShouldBe(1);
        f.At("2026-01-18 11:00");
        // Jan 18 is 8 days after Jan 10 (the capped one was never sent): it fits.
        (await f.PassAsync()).Rules.Single().Planned.ShouldBe(1);
    }

    [Fact]
    public async Task Two_journeys_from_one_template_run_the_same_rule_id_side_by_side_each_with_its_own_pause()
    {
        using var f = Fixture(Tiny.T("2026-01-10 12:00"));
        // The same YAML twice: what creating a journey from a template that is already in use gives.
        f.Journeys["a"] = SharedRule();
        f.Journeys["b"] = SharedRule();
        f.Log = Tiny.Log(("c1", "Board Shared", "2026-01-10 13:00"));
        (await f.PassAsync()).Problems.ShouldBeEmpty();
        f.Runner.Pause("b", "shared", "ann@example.test").ShouldBeTrue();

        f.At("2026-01-10 14:00");
        var pass = await f.PassAsync();

        pass.Problems.ShouldBeEmpty();
        // a decides c1's share and plans the message; b is paused: its trigger waits, nothing planned.
        pass.Rules.Select(r => (r.JourneyId, r.RuleId, r.Triggered, r.Planned, r.Waiting, r.Paused))
            .ShouldBe([("a", "shared", 1, 1, 0, false), ("b", "shared", 1, 0, 1, true)], ignoreOrder: true);
        f.Messages().Keys.ShouldBe(["a/shared:c1:event-20260110T130000.000000Z"]);
        f.Outbox.PausedRules().Select(p => p.RuleId).ShouldBe(["b/shared"]);
        f.Runner.Rules().Select(r => (r.JourneyId, r.RuleId, r.Paused, r.Planned))
            .ShouldBe([("a", "shared", false, 1L), ("b", "shared", true, 0L)], ignoreOrder: true);

        // Resuming b (on_resume: skip) drops b's own overdue trigger and leaves a's message alone; pausing a holds
        // only a's.
        f.Runner.Resume("b", "shared", "ann@example.test").WasPaused.ShouldBeTrue();
        f.Runner.Pause("a", "shared", "ann@example.test").ShouldBeTrue();
        f.At("2026-01-10 15:00");
        var after = await f.PassAsync();
        after.Rules.Single(r => r.JourneyId == "b").Skipped.ShouldBe(1);
        f.Messages().Keys.ShouldBe(["a/shared:c1:event-20260110T130000.000000Z"]);
        f.Messages()["a/shared:c1:event-20260110T130000.000000Z"].State.ShouldBe(OutboxState.Pending);
        f.Outbox.PausedRules().Select(p => p.RuleId).ShouldBe(["a/shared"]);
    }

    [Fact]
    public async Task Pausing_an_unknown_rule_says_so()
    {
        using var f = Fixture(Tiny.T("2026-01-10 00:00"));
        f.Journeys["j"] = SharedRule();
        Should.Throw<ArgumentException>(() => f.Runner.Pause("j", "nope", "ann")).Message.ShouldContain("no intervention or sequence 'nope'");
        await f.PassAsync();
    }
}

/// <summary>Every case of <see cref="AutomationRunnerTests"/> with the state and the outbox in PostgreSQL, a schema per test.</summary>
public sealed class PostgresAutomationRunnerTests : AutomationRunnerTests
{
    private readonly PostgresState postgres = new();

    protected override PostgresAddress? State => postgres.Address;

    protected override void Dispose(bool disposing)
    {
        postgres.Dispose();
        base.Dispose(disposing);
    }
}
