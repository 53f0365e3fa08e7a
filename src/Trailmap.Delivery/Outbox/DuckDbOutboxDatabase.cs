using DuckDB.NET.Data;

namespace Trailmap.Delivery;

/// <summary>
/// The outbox in a DuckDB file (the workspace's, or one of its own). One process at a time opens a file (DuckDB's
/// write lock), so this process is the only writer, and every message left in <see cref="OutboxState.Sending"/> when
/// it opens was claimed by a process that died.
/// </summary>
internal sealed class DuckDbOutboxDatabase : OutboxDatabase
{
    public DuckDbOutboxDatabase(string path)
        : base(LockedConnection.DuckDb(path))
    {
        try
        {
            // No `SET threads = 1` here, though the outbox's tiny statements would run a little cheaper: the setting is
            // global to the database, which the outbox shares with the events, and it made every query of the
            // workspace (the whole log's load, the running rules' reads) single-threaded.
            Execute(Schema);
            // Outcomes are appended here and applied with one UPDATE ... FROM per group (WriteOutcomes). A temporary
            // table lives in memory, belongs to this connection and is never written to the WAL.
            Execute(
                """
                CREATE TEMP TABLE delivery_outcome_batch (
                    key VARCHAR, state VARCHAR, last_error VARCHAR, receipt VARCHAR,
                    next_attempt_at TIMESTAMP, sent_at TIMESTAMP, finished_at TIMESTAMP)
                """);
        }
        catch
        {
            Db.Dispose();
            throw;
        }

        StartWriter();
    }

    // Every table is the delivery's own and created if missing, so the outbox may live in its own file or share one.
    // delivery_outbox has no PRIMARY KEY: DuckDB maintains an ART index on every update (and rewrites it at each
    // checkpoint), which halved enqueue and recording throughput in bench/delivery-bench.sh. Keys stay unique because
    // one process writes a file at a time (DuckDB's file lock) and Outbox.EnqueueMany checks and inserts under
    // the writer thread.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS delivery_outbox (
            idempotency_key VARCHAR NOT NULL,
            rule_id VARCHAR NOT NULL,
            customer_id VARCHAR NOT NULL,
            channel VARCHAR NOT NULL,
            action_json VARCHAR NOT NULL,
            data_json VARCHAR NOT NULL,
            due_at TIMESTAMP NOT NULL,
            enqueued_at TIMESTAMP NOT NULL,
            state VARCHAR NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at TIMESTAMP NOT NULL,
            claimed_at TIMESTAMP,
            last_error VARCHAR,
            receipt VARCHAR,
            sent_at TIMESTAMP,
            finished_at TIMESTAMP
        );
        CREATE TABLE IF NOT EXISTS delivery_paused_rules (
            rule_id VARCHAR PRIMARY KEY,
            paused_since TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS delivery_suppressions (
            address VARCHAR PRIMARY KEY,
            reason VARCHAR NOT NULL,
            suppressed_at TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS delivery_in_app (
            id VARCHAR PRIMARY KEY,
            rule_id VARCHAR NOT NULL,
            customer_id VARCHAR NOT NULL,
            subject VARCHAR,
            message VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            read_at TIMESTAMP
        );
        """;

    public override bool SoleWriter => true;

    public override (string Sql, (string Name, object? Value)[] Parameters) OwnClaims => ("", []);

    // The appender fills every column in table order (see Schema): no SQL to parse and no parameters to bind, which
    // made a multi-row INSERT cost milliseconds.
    public override IReadOnlySet<string> Insert(List<OutboxMessage> messages, bool[] claimedNow, DateTime now)
    {
        lock (Gate)
        {
            using var appender = Duck.CreateAppender("delivery_outbox");
            for (var i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                var due = ToDb(m.DueAt);
                var row = appender.CreateRow()
                    .AppendValue(m.IdempotencyKey).AppendValue(m.RuleId).AppendValue(m.CustomerId)
                    .AppendValue(m.Action.Channel.ToString())
                    .AppendValue(OutboxJson.WriteAction(m.Action)).AppendValue(OutboxJson.WriteData(m.Data))
                    .AppendValue(due).AppendValue(now).AppendValue(claimedNow[i] ? "sending" : "pending").AppendValue((int?)0).AppendValue(due);
                row = claimedNow[i] ? row.AppendValue(now) : row.AppendNullValue();
                row.AppendNullValue().AppendNullValue().AppendNullValue().AppendNullValue().EndRow();
            }
        }

        return messages.Select(m => m.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
    }

    public override void WriteOutcomes(List<Outbox.Outcome> outcomes)
    {
        lock (Gate)
        {
            using var appender = Duck.CreateAppender("delivery_outcome_batch");
            foreach (var o in outcomes)
            {
                var row = appender.CreateRow().AppendValue(o.Key).AppendValue(o.State.ToDb());
                row = o.LastError is null ? row.AppendNullValue() : row.AppendValue(o.LastError);
                row = o.Receipt is null ? row.AppendNullValue() : row.AppendValue(o.Receipt);
                row = o.NextAttemptAt is { } next ? row.AppendValue(ToDb(next)) : row.AppendNullValue();
                row = o.SentAt is { } sent ? row.AppendValue(ToDb(sent)) : row.AppendNullValue();
                row = o.FinishedAt is { } finished ? row.AppendValue(ToDb(finished)) : row.AppendNullValue();
                row.EndRow();
            }
        }

        Execute(
            """
            UPDATE delivery_outbox SET
                state = u.state, attempts = delivery_outbox.attempts + 1, last_error = u.last_error, receipt = u.receipt,
                next_attempt_at = coalesce(u.next_attempt_at, delivery_outbox.next_attempt_at),
                sent_at = u.sent_at, finished_at = u.finished_at
            FROM delivery_outcome_batch AS u
            WHERE delivery_outbox.idempotency_key = u.key AND delivery_outbox.state = 'sending'
            """);
        Execute("DELETE FROM delivery_outcome_batch");
    }

    public override List<OutboxEntry> Claim(DateTime now, long limit, string filter, (string Name, object? Value)[] parameters) =>
        Query(
            $"""
            UPDATE delivery_outbox
            SET state = 'sending', claimed_at = $now
            WHERE idempotency_key IN (
                SELECT idempotency_key FROM delivery_outbox
                WHERE state = 'pending' AND next_attempt_at <= $now
                  AND rule_id NOT IN (SELECT rule_id FROM delivery_paused_rules){filter}
                ORDER BY next_attempt_at, enqueued_at, idempotency_key
                LIMIT $limit)
            RETURNING {Outbox.EntryColumns}
            """,
            Outbox.ReadEntry,
            [("now", now), ("limit", limit), .. parameters]);

    // The attempt counts: the channel may have taken the message before the crash, so the resend must not look like a
    // first attempt to a receiver that deduplicates or audits by it.
    public override (int Count, List<string> Keys) RecoverAbandoned()
    {
        var keys = Query(
            "SELECT idempotency_key FROM delivery_outbox WHERE state = 'sending' ORDER BY claimed_at, idempotency_key LIMIT 20",
            r => r.GetString(0));
        var count = Execute(
            $"""
            UPDATE delivery_outbox
            SET state = 'pending', attempts = attempts + 1, last_error = '{Outbox.AbandonedClaim}'
            WHERE state = 'sending'
            """);
        return (count, keys);
    }

    // The appender is DuckDB's own; it runs on the outbox's connection under its lock.
    private DuckDBConnection Duck => (DuckDBConnection)Db.Connection;
}
