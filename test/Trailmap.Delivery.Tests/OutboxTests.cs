using DuckDB.NET.Data;
using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Xunit;
using static Trailmap.Delivery.Tests.Infrastructure.Messages;

namespace Trailmap.Delivery.Tests;

/// <summary>
/// The outbox's contract: every case runs on both engines (<see cref="DuckDbOutboxTests"/>,
/// <see cref="PostgresOutboxTests"/>), each checked against the engine's tables read with plain SQL.
/// </summary>
public abstract class OutboxTests : IDisposable
{
    /// <summary>Opens the outbox at this test's one location (again after a dispose: a restart).</summary>
    protected abstract Outbox Open(TimeProvider time);

    /// <summary>The oracle: one count of plain SQL over the engine's tables, on a connection of its own.</summary>
    protected abstract long CountRows(string sql);

    public abstract void Dispose();

    [Fact]
    public void A_second_enqueue_of_the_same_key_is_a_noop_and_says_so()
    {
        var action = Webhook("http://127.0.0.1:9/hook");
        using (var outbox = Open(Clock()))
        {
            var first = outbox.Enqueue(Make("r1", "c1", "e1", action, data: new() { ["customer.name"] = "First" }));
            var second = outbox.Enqueue(Make("r1", "c1", "e1", action, data: new() { ["customer.name"] = "Second" }));

            first.Added.ShouldBeTrue();
            second.Added.ShouldBeFalse();
            second.Duplicate.ShouldBeTrue();
            second.State.ShouldBe(OutboxState.Pending);
            second.ToString().ShouldContain("already in the outbox (pending), nothing enqueued");
            // The first enqueue wins: the second one's data is not stored.
            outbox.Get("r1:c1:e1")!.Data["customer.name"].ShouldBe("First");
        }

        // Oracle: the table itself, read with plain SQL.
        CountRows("SELECT count(*) FROM delivery_outbox WHERE idempotency_key = 'r1:c1:e1'").ShouldBe(1);
    }

    [Fact]
    public void Enqueue_many_reports_each_message_and_keeps_one_row_per_key()
    {
        var action = Webhook("http://127.0.0.1:9/hook");
        using (var outbox = Open(Clock()))
        {
            outbox.Enqueue(Make("r1", "c0", "e0", action));
            var results = outbox.EnqueueMany([
                Make("r1", "c1", "e1", action),
                Make("r1", "c1", "e1", action),
                Make("r1", "c2", "e1", action),
                Make("r1", "c0", "e0", action),
            ]);

            results.Select(r => r.Added).ShouldBe([true, false, true, false]);
        }

        // c0, c1, c2: three keys, three rows.
        CountRows("SELECT count(*) FROM delivery_outbox").ShouldBe(3);
        CountRows("SELECT count(DISTINCT idempotency_key) FROM delivery_outbox").ShouldBe(3);
    }

    [Fact]
    public void A_key_that_does_not_follow_the_contract_is_refused_and_nothing_is_written()
    {
        using var outbox = Open(Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        var good = Make("r1", "c1", "e1", action);
        var bad = good with { IdempotencyKey = "c1:r1:e1" };

        var error = Should.Throw<ArgumentException>(() => outbox.EnqueueMany([good, bad]));

        error.Message.ShouldContain("'c1:r1:e1' must be \"{ruleId}:{customerId}:{occurrence}\", here \"r1:c1:OCCURRENCE\"");
        outbox.Get("r1:c1:e1").ShouldBeNull();
        Should.Throw<ArgumentException>(() => outbox.Enqueue(good with { IdempotencyKey = "r1:c1:" }));
        Should.Throw<ArgumentException>(() => outbox.Enqueue(good with { RuleId = " " })).Message.ShouldContain("RuleId is empty");
    }

    [Fact]
    public void Opening_puts_messages_left_sending_by_a_crash_back_to_pending()
    {
        var clock = Clock();
        using (var outbox = Open(clock))
        {
            outbox.Enqueue(Make("r1", "c1", "e1", Webhook("http://127.0.0.1:9/hook")));
            outbox.Enqueue(Make("r1", "c2", "e1", Webhook("http://127.0.0.1:9/hook"), due: Start.AddHours(1)));
            // What a dispatcher does before sending; a process that dies here never records the result.
            outbox.Claim(Start, 10).Count.ShouldBe(1);
            outbox.Get("r1:c1:e1")!.State.ShouldBe(OutboxState.Sending);
        }

        using (var reopened = Open(clock))
        {
            reopened.RecoveredInFlight.ShouldBe(1);
            var entry = reopened.Get("r1:c1:e1")!;
            entry.State.ShouldBe(OutboxState.Pending);
            // Nobody knows whether a channel took it before the crash, so the lost claim counts as an attempt and
            // the resend goes out as attempt 2; the message that was never claimed counts none.
            entry.Attempts.ShouldBe(1);
            entry.LastError!.ShouldContain("claimed by a dispatcher that stopped before recording the outcome");
            reopened.RecoveredKeys.ShouldBe(["r1:c1:e1"]);
            reopened.Get("r1:c2:e1")!.Attempts.ShouldBe(0);
        }
    }

    [Fact]
    public void Claims_take_due_messages_only_oldest_first_and_count_the_attempt()
    {
        using var outbox = Open(Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        outbox.Enqueue(Make("r1", "late", "e", action, due: Start.AddMinutes(5)));
        outbox.Enqueue(Make("r1", "b", "e", action, due: Start.AddMinutes(-1)));
        outbox.Enqueue(Make("r1", "a", "e", action, due: Start));

        var claimed = outbox.Claim(Start, 10);

        // Due at or before 09:00: b (08:59) then a (09:00); "late" (09:05) waits.
        claimed.Select(e => e.CustomerId).ShouldBe(["b", "a"]);
        claimed.ShouldAllBe(e => e.Attempts == 1 && e.State == OutboxState.Sending);
        outbox.Claim(Start, 10).ShouldBeEmpty();
        outbox.Counts()[OutboxState.Sending].ShouldBe(2);
        outbox.Counts()[OutboxState.Pending].ShouldBe(1);
    }

    [Fact]
    public void The_action_and_data_survive_the_round_trip_through_the_file()
    {
        var action = new Journeys.Model.InterventionAction
        {
            Channel = Journeys.Model.ActionChannel.InApp,
            Subject = "S",
            Message = "M {{ x }}",
            To = "t",
            Url = "u",
            Template = "tpl",
        };
        var data = new Dictionary<string, string?> { ["customer.email"] = "a@b.test", ["event.plan"] = null, ["ünïcode"] = "✓" };
        using (var outbox = Open(Clock()))
        {
            outbox.Enqueue(Make("r1", "c1", "e1", action, due: Start.AddTicks(1234567), data: data));
        }

        using var reopened = Open(Clock());
        var entry = reopened.Get("r1:c1:e1")!;
        entry.Action.ShouldBe(action);
        entry.Data.ShouldBe(data);
        // Both engines keep microseconds: 1234567 ticks (100 ns) are 123456.7 us, stored as 123456 us = 1234560 ticks.
        entry.DueAt.ShouldBe(Start.AddTicks(1234560));
        entry.EnqueuedAt.ShouldBe(Start);
    }

    [Fact]
    public void A_new_row_starts_pending_with_no_attempt_and_nothing_recorded()
    {
        using (var outbox = Open(Clock()))
        {
            outbox.EnqueueMany(Enumerable.Range(0, 50).Select(i => Make("r1", $"c{i}", "e", Webhook("http://127.0.0.1:9/hook"))));
        }

        // All 50 rows, written by the appender, read back with plain SQL: every column as a fresh message has it.
        CountRows("""
            SELECT count(*) FROM delivery_outbox
            WHERE state = 'pending' AND attempts = 0 AND channel = 'Webhook' AND rule_id = 'r1'
              AND next_attempt_at = due_at AND claimed_at IS NULL AND last_error IS NULL AND receipt IS NULL
              AND sent_at IS NULL AND finished_at IS NULL
            """).ShouldBe(50);
    }

    [Fact]
    public void A_key_enqueued_before_a_reopen_is_still_a_duplicate_after_it()
    {
        var action = Webhook("http://127.0.0.1:9/hook");
        using (var outbox = Open(Clock()))
        {
            outbox.Enqueue(Make("r1", "c1", "e1", action)).Added.ShouldBeTrue();
        }

        using var reopened = Open(Clock());
        // The key set is loaded from the file at open.
        reopened.Enqueue(Make("r1", "c1", "e1", action)).Added.ShouldBeFalse();
        reopened.Enqueue(Make("r1", "c1", "e2", action)).Added.ShouldBeTrue();
        reopened.Counts()[OutboxState.Pending].ShouldBe(2);
    }

    [Fact]
    public async Task Concurrent_enqueues_of_the_same_keys_add_each_key_once()
    {
        var action = Webhook("http://127.0.0.1:9/hook");
        var added = 0;
        using (var outbox = Open(Clock()))
        {
            // 8 callers at once, each enqueueing the same 100 keys in batches of 10: the writer groups their
            // transactions, and still every key is added by exactly one call.
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(
                () =>
                {
                    foreach (var chunk in Enumerable.Range(0, 100).Chunk(10))
                    {
                        var results = outbox.EnqueueMany(chunk.Select(i => Make("r1", $"c{i}", "e", action)));
                        Interlocked.Add(ref added, results.Count(r => r.Added));
                    }
                },
                TestContext.Current.CancellationToken)));
        }

        added.ShouldBe(100);
        CountRows("SELECT count(*) FROM delivery_outbox").ShouldBe(100);
        CountRows("SELECT count(DISTINCT idempotency_key) FROM delivery_outbox").ShouldBe(100);
    }


    [Fact]
    public async Task Outcomes_are_recorded_on_claimed_messages_only_and_count_the_attempt()
    {
        var clock = Clock();
        using var outbox = Open(clock);
        var action = Webhook("http://127.0.0.1:9/hook");
        outbox.EnqueueMany([Make("r1", "a", "e", action), Make("r1", "b", "e", action), Make("r1", "c", "e", action), Make("r1", "d", "e", action)]);
        (await outbox.ClaimAsync(Start, 3)).Select(e => e.CustomerId).ShouldBe(["a", "b", "c"]);

        await outbox.RecordAsync(Outbox.Outcome.Sent("r1:a:e", "250 ok", Start.AddSeconds(1)));
        await outbox.RecordAsync(Outbox.Outcome.Dead("r1:b:e", "permanent failure: 410", Start.AddSeconds(2)));
        await outbox.RecordAsync(Outbox.Outcome.Retry("r1:c:e", "503", Start.AddMinutes(5)));
        // d was never claimed: an outcome for it changes nothing.
        await outbox.RecordAsync(Outbox.Outcome.Sent("r1:d:e", "250 ok", Start.AddSeconds(3)));

        var a = outbox.Get("r1:a:e")!;
        (a.State, a.Attempts, a.Receipt, a.SentAt).ShouldBe((OutboxState.Sent, 1, "250 ok", Start.AddSeconds(1)));
        var b = outbox.Get("r1:b:e")!;
        (b.State, b.Attempts, b.LastError, b.FinishedAt).ShouldBe((OutboxState.Dead, 1, "permanent failure: 410", Start.AddSeconds(2)));
        var c = outbox.Get("r1:c:e")!;
        (c.State, c.Attempts, c.NextAttemptAt).ShouldBe((OutboxState.Pending, 1, Start.AddMinutes(5)));
        var d = outbox.Get("r1:d:e")!;
        (d.State, d.Attempts, d.Receipt).ShouldBe((OutboxState.Pending, 0, (string?)null));
        outbox.DeadLetters().Select(e => e.IdempotencyKey).ShouldBe(["r1:b:e"]);
        CountRows("SELECT count(*) FROM delivery_outbox WHERE state = 'sent' AND attempts = 1 AND receipt = '250 ok'").ShouldBe(1);

        // The retry waits for its time; requeueing the dead letter makes it due now with no attempt counted.
        outbox.Requeue("r1:b:e").ShouldBeTrue();
        outbox.Requeue("r1:b:e").ShouldBeFalse();
        outbox.Get("r1:b:e")!.Attempts.ShouldBe(0);
        outbox.NextDue().ShouldBe(Start);
        (await outbox.ClaimAsync(Start, 10)).Select(e => e.CustomerId).ShouldBe(["b", "d"]);
        outbox.NextDue().ShouldBe(Start.AddMinutes(5));
    }

    [Fact]
    public async Task Released_and_deferred_claims_go_back_to_pending()
    {
        using var outbox = Open(Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        outbox.EnqueueMany([Make("r1", "a", "e", action), Make("r1", "b", "e", action), Make("r1", "c", "e", action)]);
        (await outbox.ClaimAsync(Start, 10)).Count.ShouldBe(3);

        await outbox.ReleaseAsync(["r1:a:e"]);
        await outbox.ReleaseAsync(["r1:b:e"], countAttempt: true);
        await outbox.DeferAsync(["r1:c:e"], Start.AddSeconds(30));

        outbox.Get("r1:a:e")!.Attempts.ShouldBe(0);
        outbox.Get("r1:b:e")!.Attempts.ShouldBe(1);
        var c = outbox.Get("r1:c:e")!;
        (c.State, c.Attempts, c.NextAttemptAt).ShouldBe((OutboxState.Pending, 0, Start.AddSeconds(30)));
        outbox.Counts().ShouldBe(new Dictionary<OutboxState, long> { [OutboxState.Pending] = 3 });
        (await outbox.ClaimAsync(Start, 10)).Select(e => e.CustomerId).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void A_paused_rule_is_not_claimed_until_resumed_and_skipping_suppresses_what_fell_due()
    {
        using var outbox = Open(Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        outbox.EnqueueMany([
            Make("r1", "a", "e", action, due: Start.AddMinutes(-10)),
            Make("r1", "b", "e", action, due: Start.AddMinutes(10)),
            Make("r2", "a", "e", action),
        ]);

        outbox.Pause("r1");
        outbox.Pause("r1");
        outbox.PausedRules().ShouldBe([new PausedRule("r1", Start)]);
        outbox.Claim(Start.AddHours(1), 10).Select(e => e.RuleId).ShouldBe(["r2"]);
        outbox.NextDue().ShouldBeNull();

        // Resuming with on_resume: skip: what fell due while paused (a, 08:50) is suppressed; b (09:10) still goes.
        outbox.SkipPending("r1", Start, "skipped on resume").ShouldBe(1);
        outbox.Resume("r1").ShouldBeTrue();
        outbox.Resume("r1").ShouldBeFalse();
        outbox.Get("r1:a:e")!.State.ShouldBe(OutboxState.Suppressed);
        outbox.Claim(Start.AddHours(1), 10).Select(e => e.IdempotencyKey).ShouldBe(["r1:b:e"]);
        CountRows("SELECT count(*) FROM delivery_paused_rules").ShouldBe(0);
    }

    [Fact]
    public void Suppressions_and_in_app_messages_are_kept_by_the_engine()
    {
        var clock = Clock();
        using var outbox = Open(clock);
        var suppressions = new SuppressionList(outbox, new UnsubscribeTokens("contract-test-secret-0123456789"));
        suppressions.Suppress("Ann@Example.test", "unsubscribed").ShouldBeTrue();
        suppressions.Suppress("ann@example.test", "again").ShouldBeFalse();
        suppressions.IsSuppressed("ANN@example.test").ShouldBeTrue();
        suppressions.Find("ann@example.test").ShouldBe(("unsubscribed", Start));
        suppressions.Remove("ann@example.test").ShouldBeTrue();
        suppressions.IsSuppressed("ann@example.test").ShouldBeFalse();

        var inApp = new InAppQueue(outbox);
        inApp.Add("m1", "r1", "ann", "Hi", "First").ShouldBeTrue();
        inApp.Add("m1", "r1", "ann", "Hi", "First again").ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(1));
        inApp.Add("m2", "r1", "ann", null, "Second").ShouldBeTrue();
        inApp.Pending("ann").Select(m => (m.Id, m.Subject, m.Message)).ShouldBe([("m1", (string?)"Hi", "First"), ("m2", null, "Second")]);
        inApp.MarkRead("m1").ShouldBeTrue();
        inApp.MarkRead("m1").ShouldBeFalse();
        inApp.Pending("ann").Select(m => m.Id).ShouldBe(["m2"]);
        CountRows("SELECT count(*) FROM delivery_in_app WHERE read_at IS NOT NULL").ShouldBe(1);
    }

    [Fact]
    public void A_persons_messages_from_one_journey_come_latest_due_first()
    {
        using var outbox = Open(Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        outbox.EnqueueMany([
            Make("trial/nudge", "ann", "e1", action, Start.AddHours(1)),
            Make("trial/nudge", "anon-7", "e2", action, Start.AddHours(3)),
            Make("trial/welcome", "ann", "e3", action, Start.AddHours(2)),
            Make("other/nudge", "ann", "e4", action, Start.AddHours(4)),
            Make("trial-2/nudge", "ann", "e6", action, Start.AddHours(6)),
            Make("trial/nudge", "x') OR ('1'='1", "e7", action),
        ]);

        outbox.ForCustomer(["ann", "anon-7"], "trial", 10).Select(m => m.IdempotencyKey)
            .ShouldBe(["trial/nudge:anon-7:e2", "trial/welcome:ann:e3", "trial/nudge:ann:e1"]);
        outbox.ForCustomer(["' OR 1=1 --"], "trial", 10).ShouldBeEmpty();
        outbox.ForCustomer(["x') OR ('1'='1"], "trial", 10).Count.ShouldBe(1);
    }
}

public sealed class DuckDbOutboxTests : OutboxTests
{
    private readonly TempDir dir = new();

    protected override Outbox Open(TimeProvider time) => Outbox.Open(dir.File("outbox.duckdb"), time);

    protected override long CountRows(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=" + dir.File("outbox.duckdb"));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override void Dispose() => dir.Dispose();
}

public sealed class PostgresOutboxTests : OutboxTests
{
    private readonly PostgresState state = new();

    protected override Outbox Open(TimeProvider time) => Outbox.Open(state.Address, time);

    protected override long CountRows(string sql) => state.Count(sql);

    public override void Dispose() => state.Dispose();
}
