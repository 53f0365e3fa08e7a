using Shouldly;
using Trailmap.Automation.Backtest;
using Xunit;
using static Trailmap.Automation.Tests.Tiny;

namespace Trailmap.Automation.Tests.Backtest;

public sealed class BacktesterTests
{
    private static readonly Trailmap.Journeys.Model.Journey Rules = Journey("""
        interventions:
          - { id: quiet, name: Q, when: { no_event: Logged In, for: 2d }, then: { channel: email, subject: Back? } }
        sequences:
          - id: welcome
            name: W
            trigger: { entered_stage: signup }
            steps: [{ day: 0, then: { channel: email, subject: Hi } }, { day: 1, then: { channel: email, subject: Tips } }]
            exit: Logged In
        automation:
          frequency_cap: { max: 1, per: 2d }
          quiet_hours: { from: "22:00", to: "08:00" }
        """);

    [Fact]
    public void Replays_each_day_through_holdout_quiet_hours_and_the_cap()
    {
        // Both have an email address, so every planned message can reach them (the next test is about those who cannot).
        var log = Log(
            Traits(("a", "email", "a@example.com"), ("b", "email", "b@example.com")),
            ("a", "Signed Up", "2026-01-01 10:00"), ("a", "Logged In", "2026-01-01 11:00"), ("a", "Logged In", "2026-01-05 09:00"),
            ("b", "Signed Up", "2026-01-02 23:00"));
        var progress = new List<BacktestProgress>();

        var report = Backtester.Run(Rules, log, T("2026-01-01"), T("2026-01-08"), new SyncProgress(progress.Add), TestContext.Current.CancellationToken);

        // quiet (2 days without a login): a's spell from the 11:00 login ends Jan 3 11:00 (next login Jan 5); from
        //   Jan 5 09:00 it ends Jan 7 09:00; b never logs in: Jan 2 23:00 + 2d = Jan 4 23:00.
        // welcome: a at Jan 1 10:00 (its day-1 step is dropped by the 11:00 login); b at Jan 2 23:00 and Jan 3 23:00.
        // Quiet hours 22:00-08:00 UTC push b's 23:00 messages to 08:00 the next day. The cap (1 per 2 days):
        //   b: Jan 3 08:00 sent, Jan 4 08:00 capped (1 day later), Jan 5 08:00 sent (2 days after Jan 3 08:00);
        //   a: Jan 1 10:00, Jan 3 11:00 (2 days 1 hour later), Jan 7 09:00: all sent.
        report.Rows.ShouldBe(
        [
            new BacktestRow(new DateOnly(2026, 1, 1), "welcome", 1, 1, 0, 1, 0, 0),
            new BacktestRow(new DateOnly(2026, 1, 2), "welcome", 1, 1, 0, 1, 1, 0),
            new BacktestRow(new DateOnly(2026, 1, 3), "quiet", null, 1, 0, 1, 0, 0),
            new BacktestRow(new DateOnly(2026, 1, 3), "welcome", 2, 1, 0, 0, 0, 1),
            new BacktestRow(new DateOnly(2026, 1, 4), "quiet", null, 1, 0, 1, 1, 0),
            new BacktestRow(new DateOnly(2026, 1, 7), "quiet", null, 1, 0, 1, 0, 0),
        ]);
        report.Totals().Select(t => (t.RuleId, t.Step, t.Triggered, t.Messaged)).ShouldBe(
            [("welcome", (int?)1, 2, 2), ("quiet", null, 3, 3), ("welcome", 2, 1, 0)]);
        progress.Count.ShouldBe(7);
        progress[^1].ShouldBe(new BacktestProgress(7, 7));
    }

    [Fact]
    public void Customers_without_an_address_on_the_channel_are_unreachable_not_messaged()
    {
        // Four sign up on Jan 1: a has an email address, b an empty one, c a trait that is no address, d no traits at all.
        // The email welcome fires for all four: a is messaged, b, c and d are unreachable. The email rule with its
        // own 'to' and the in-app and webhook rules go to an address that does not depend on the customer: all four
        // messaged. Nothing is held out and there is no cap or quiet hours.
        var rules = Journey("""
            sequences:
              - id: welcome
                name: W
                trigger: { entered_stage: signup }
                steps: [{ day: 0, then: { channel: email, subject: Hi } }]
              - id: team
                name: T
                trigger: { entered_stage: signup }
                steps: [{ day: 0, then: { channel: email, to: sales@example.com, subject: New signup } }]
              - id: inbox
                name: I
                trigger: { entered_stage: signup }
                steps: [{ day: 0, then: { channel: in-app, message: Welcome } }]
              - id: hook
                name: H
                trigger: { entered_stage: signup }
                steps: [{ day: 0, then: { channel: webhook, url: "https://hooks.example.com/signup" } }]
            """);
        var log = Log(
            Traits(("a", "email", "a@example.com"), ("b", "email", ""), ("c", "email", "not an address"), ("c", "plan", "team")),
            ("a", "Signed Up", "2026-01-01 10:00"), ("b", "Signed Up", "2026-01-01 10:00"),
            ("c", "Signed Up", "2026-01-01 10:00"), ("d", "Signed Up", "2026-01-01 10:00"));

        var report = Backtester.Run(rules, log, T("2026-01-01"), T("2026-01-02"), cancellationToken: TestContext.Current.CancellationToken);

        report.Totals().Select(t => (t.RuleId, t.Triggered, t.HeldOut, t.Messaged, t.Capped, t.Unreachable)).ShouldBe(
            [("welcome", 4, 0, 1, 0, 3), ("team", 4, 0, 4, 0, 0), ("inbox", 4, 0, 4, 0, 0), ("hook", 4, 0, 4, 0, 0)]);
        report.Rows.ShouldAllBe(r => r.Triggered == r.HeldOut + r.Messaged + r.Capped + r.Unreachable);
    }

    [Fact]
    public void An_empty_period_is_refused()
    {
        Should.Throw<ArgumentException>(() => Backtester.Run(Rules, Log(), T("2026-01-08"), T("2026-01-08"), cancellationToken: TestContext.Current.CancellationToken))
            .Message.ShouldContain("empty");
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<BacktestProgress> report) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => report(value);
    }
}
