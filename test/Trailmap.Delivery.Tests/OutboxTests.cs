using DuckDB.NET.Data;
using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Xunit;
using static Trailmap.Delivery.Tests.Infrastructure.Messages;

namespace Trailmap.Delivery.Tests;

public sealed class OutboxTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_second_enqueue_of_the_same_key_is_a_noop_and_says_so()
    {
        var path = dir.File("outbox.duckdb");
        var action = Webhook("http://127.0.0.1:9/hook");
        using (var outbox = Outbox.Open(path, Clock()))
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

        // Oracle: the file itself, read with plain SQL.
        CountRows(path, "SELECT count(*) FROM delivery_outbox WHERE idempotency_key = 'r1:c1:e1'").ShouldBe(1);
    }

    [Fact]
    public void Enqueue_many_reports_each_message_and_keeps_one_row_per_key()
    {
        var path = dir.File("outbox.duckdb");
        var action = Webhook("http://127.0.0.1:9/hook");
        using (var outbox = Outbox.Open(path, Clock()))
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
        CountRows(path, "SELECT count(*) FROM delivery_outbox").ShouldBe(3);
        CountRows(path, "SELECT count(DISTINCT idempotency_key) FROM delivery_outbox").ShouldBe(3);
    }

    [Fact]
    public void A_key_that_does_not_follow_the_contract_is_refused_and_nothing_is_written()
    {
        var path = dir.File("outbox.duckdb");
        using var outbox = Outbox.Open(path, Clock());
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
        var path = dir.File("outbox.duckdb");
        var clock = Clock();
        using (var outbox = Outbox.Open(path, clock))
        {
            outbox.Enqueue(Make("r1", "c1", "e1", Webhook("http://127.0.0.1:9/hook")));
            outbox.Enqueue(Make("r1", "c2", "e1", Webhook("http://127.0.0.1:9/hook"), due: Start.AddHours(1)));
            // What a dispatcher does before sending; a process that dies here never records the result.
            outbox.Claim(Start, 10).Count.ShouldBe(1);
            outbox.Get("r1:c1:e1")!.State.ShouldBe(OutboxState.Sending);
        }

        using (var reopened = Outbox.Open(path, clock))
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
        using var outbox = Outbox.Open(dir.File("outbox.duckdb"), Clock());
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
        var path = dir.File("outbox.duckdb");
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
        using (var outbox = Outbox.Open(path, Clock()))
        {
            outbox.Enqueue(Make("r1", "c1", "e1", action, due: Start.AddTicks(1234567), data: data));
        }

        using var reopened = Outbox.Open(path, Clock());
        var entry = reopened.Get("r1:c1:e1")!;
        entry.Action.ShouldBe(action);
        entry.Data.ShouldBe(data);
        // DuckDB keeps microseconds: 1234567 ticks (100 ns) are 123456.7 us, stored as 123456 us = 1234560 ticks.
        entry.DueAt.ShouldBe(Start.AddTicks(1234560));
        entry.EnqueuedAt.ShouldBe(Start);
    }

    [Fact]
    public void A_new_row_starts_pending_with_no_attempt_and_nothing_recorded()
    {
        var path = dir.File("outbox.duckdb");
        using (var outbox = Outbox.Open(path, Clock()))
        {
            outbox.EnqueueMany(Enumerable.Range(0, 50).Select(i => Make("r1", $"c{i}", "e", Webhook("http://127.0.0.1:9/hook"))));
        }

        // All 50 rows, written by the appender, read back with plain SQL: every column as a fresh message has it.
        CountRows(path, """
            SELECT count(*) FROM delivery_outbox
            WHERE state = 'pending' AND attempts = 0 AND channel = 'Webhook' AND rule_id = 'r1'
              AND next_attempt_at = due_at AND claimed_at IS NULL AND last_error IS NULL AND receipt IS NULL
              AND sent_at IS NULL AND finished_at IS NULL
            """).ShouldBe(50);
    }

    [Fact]
    public void A_key_enqueued_before_a_reopen_is_still_a_duplicate_after_it()
    {
        var path = dir.File("outbox.duckdb");
        var action = Webhook("http://127.0.0.1:9/hook");
        using (var outbox = Outbox.Open(path, Clock()))
        {
            outbox.Enqueue(Make("r1", "c1", "e1", action)).Added.ShouldBeTrue();
        }

        using var reopened = Outbox.Open(path, Clock());
        // The key set is loaded from the file at open.
        reopened.Enqueue(Make("r1", "c1", "e1", action)).Added.ShouldBeFalse();
        reopened.Enqueue(Make("r1", "c1", "e2", action)).Added.ShouldBeTrue();
        reopened.Counts()[OutboxState.Pending].ShouldBe(2);
    }

    [Fact]
    public async Task Concurrent_enqueues_of_the_same_keys_add_each_key_once()
    {
        var path = dir.File("outbox.duckdb");
        var action = Webhook("http://127.0.0.1:9/hook");
        var added = 0;
        using (var outbox = Outbox.Open(path, Clock()))
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
        CountRows(path, "SELECT count(*) FROM delivery_outbox").ShouldBe(100);
        CountRows(path, "SELECT count(DISTINCT idempotency_key) FROM delivery_outbox").ShouldBe(100);
    }

    private static long CountRows(string path, string sql)
    {
        using var connection = new DuckDBConnection("DataSource=" + path);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
