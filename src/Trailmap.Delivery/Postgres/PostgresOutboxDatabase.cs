using System.Diagnostics;
using Npgsql;

namespace Trailmap.Delivery;

/// <summary>
/// The outbox in PostgreSQL (<c>--state postgres://...</c>), which several nodes share. The differences from DuckDB:
/// a primary key on the message settles concurrent enqueues of one key; a claim locks its rows with
/// <c>FOR UPDATE SKIP LOCKED</c>, so two nodes never claim the same message; and each node holds a session-level
/// advisory lock for as long as it runs, so a message left in <c>sending</c> is put back to pending exactly when the
/// node that claimed it no longer holds its lock (it died, or its connection did). See docs/postgres-state.md.
/// </summary>
internal sealed class PostgresOutboxDatabase : OutboxDatabase
{
    /// <summary>How often a node looks for claims of nodes that are gone, besides at open.</summary>
    public static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(1);

    private static readonly string[] Steps =
    [
        """
        CREATE TABLE delivery_outbox (
            idempotency_key text PRIMARY KEY,
            rule_id text NOT NULL,
            customer_id text NOT NULL,
            channel text NOT NULL,
            action_json text NOT NULL,
            data_json text NOT NULL,
            due_at timestamptz NOT NULL,
            enqueued_at timestamptz NOT NULL,
            state text NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at timestamptz NOT NULL,
            claimed_at timestamptz,
            claimed_by bigint,
            last_error text,
            receipt text,
            sent_at timestamptz,
            finished_at timestamptz
        );
        CREATE INDEX delivery_outbox_due ON delivery_outbox (next_attempt_at, enqueued_at, idempotency_key) WHERE state = 'pending';
        CREATE INDEX delivery_outbox_claims ON delivery_outbox (claimed_by) WHERE state = 'sending';
        CREATE INDEX delivery_outbox_customer ON delivery_outbox (customer_id);
        CREATE TABLE delivery_paused_rules (
            rule_id text PRIMARY KEY,
            paused_since timestamptz NOT NULL
        );
        CREATE TABLE delivery_suppressions (
            address text PRIMARY KEY,
            reason text NOT NULL,
            suppressed_at timestamptz NOT NULL
        );
        CREATE TABLE delivery_in_app (
            id text PRIMARY KEY,
            rule_id text NOT NULL,
            customer_id text NOT NULL,
            subject text,
            message text NOT NULL,
            created_at timestamptz NOT NULL,
            read_at timestamptz
        );
        CREATE SEQUENCE delivery_node_ids;
        """,
    ];

    private readonly NpgsqlConnection lockConnection;
    private readonly int nodeClass;
    private long lastRecovery = Stopwatch.GetTimestamp();

    public PostgresOutboxDatabase(PostgresAddress address)
        : base(LockedConnection.Postgres(address))
    {
        lockConnection = new NpgsqlConnection(address.ConnectionString);
        try
        {
            PostgresSchema.Migrate((NpgsqlConnection)Db.Connection, address, "outbox", Steps);
            // Node ids come from a sequence, so one is never reused in this schema; the lock's first key is per
            // schema, so nodes of two workspaces in one database never take each other's locks.
            nodeClass = PostgresSchema.Key("outbox-node/" + (address.Schema ?? "public"));
            Node = (long)Scalar("SELECT nextval('delivery_node_ids')")!;
            lockConnection.Open();
            using var take = new NpgsqlCommand("SELECT pg_advisory_lock(@class, @node)", lockConnection);
            take.Parameters.AddWithValue("class", nodeClass);
            take.Parameters.AddWithValue("node", checked((int)Node));
            take.ExecuteNonQuery();
        }
        catch
        {
            Db.Dispose();
            lockConnection.Dispose();
            throw;
        }

        StartWriter();
    }

    /// <summary>This process's node id: what its claims carry in <c>claimed_by</c>, and the second key of its lock.</summary>
    public long Node { get; }

    /// <summary>The server process of the working session (not the lock's), for tests that end it.</summary>
    internal int BackendProcessId => ((NpgsqlConnection)Db.Connection).ProcessID;

    public override bool SoleWriter => false;

    public override (string Sql, (string Name, object? Value)[] Parameters) OwnClaims => (" AND claimed_by = $node", [("node", Node)]);

    public override IReadOnlySet<string> Insert(List<OutboxMessage> messages, bool[] claimedNow, DateTime now)
    {
        var due = messages.Select(m => ToDb(m.DueAt)).ToArray();
        return Query(
            """
            INSERT INTO delivery_outbox (
                idempotency_key, rule_id, customer_id, channel, action_json, data_json, due_at, enqueued_at, state, attempts,
                next_attempt_at, claimed_at, claimed_by)
            SELECT m.k, m.r, m.c, m.ch, m.a, m.d, m.due, $now, m.s, 0, m.due,
                   CASE WHEN m.s = 'sending' THEN $now END, CASE WHEN m.s = 'sending' THEN $node END
            FROM unnest($keys::text[], $rules::text[], $customers::text[], $channels::text[], $actions::text[], $data::text[],
                        $due::timestamptz[], $states::text[]) AS m(k, r, c, ch, a, d, due, s)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING idempotency_key
            """,
            r => r.GetString(0),
            ("now", now),
            ("node", Node),
            ("keys", messages.Select(m => m.IdempotencyKey).ToArray()),
            ("rules", messages.Select(m => m.RuleId).ToArray()),
            ("customers", messages.Select(m => m.CustomerId).ToArray()),
            ("channels", messages.Select(m => m.Action.Channel.ToString()).ToArray()),
            ("actions", messages.Select(m => OutboxJson.WriteAction(m.Action)).ToArray()),
            ("data", messages.Select(m => OutboxJson.WriteData(m.Data)).ToArray()),
            ("due", due),
            ("states", claimedNow.Select(c => c ? "sending" : "pending").ToArray()))
        .ToHashSet(StringComparer.Ordinal);
    }

    public override void WriteOutcomes(List<Outbox.Outcome> outcomes) =>
        Execute(
            """
            UPDATE delivery_outbox o SET
                state = u.state, attempts = o.attempts + 1, last_error = u.last_error, receipt = u.receipt,
                next_attempt_at = coalesce(u.next_attempt_at, o.next_attempt_at),
                sent_at = u.sent_at, finished_at = u.finished_at
            FROM unnest($keys::text[], $states::text[], $errors::text[], $receipts::text[], $next::timestamptz[],
                        $sent::timestamptz[], $finished::timestamptz[]) AS u(key, state, last_error, receipt, next_attempt_at, sent_at, finished_at)
            WHERE o.idempotency_key = u.key AND o.state = 'sending' AND o.claimed_by = $node
            """,
            ("keys", outcomes.Select(o => o.Key).ToArray()),
            ("states", outcomes.Select(o => o.State.ToDb()).ToArray()),
            ("errors", outcomes.Select(o => o.LastError).ToArray()),
            ("receipts", outcomes.Select(o => o.Receipt).ToArray()),
            ("next", outcomes.Select(o => o.NextAttemptAt is { } t ? ToDb(t) : (DateTime?)null).ToArray()),
            ("sent", outcomes.Select(o => o.SentAt is { } t ? ToDb(t) : (DateTime?)null).ToArray()),
            ("finished", outcomes.Select(o => o.FinishedAt is { } t ? ToDb(t) : (DateTime?)null).ToArray()),
            ("node", Node));

    public override List<OutboxEntry> Claim(DateTime now, long limit, string filter, (string Name, object? Value)[] parameters)
    {
        // A node that died left its claims in sending; the first claim after it is gone hands them back (at most
        // once a RecoveryInterval, as it reads pg_locks).
        if (Stopwatch.GetElapsedTime(lastRecovery) >= RecoveryInterval)
        {
            lastRecovery = Stopwatch.GetTimestamp();
            RecoverAbandoned();
        }

        return Query(
            $"""
            WITH due AS (
                SELECT idempotency_key FROM delivery_outbox
                WHERE state = 'pending' AND next_attempt_at <= $now
                  AND rule_id NOT IN (SELECT rule_id FROM delivery_paused_rules){filter}
                ORDER BY next_attempt_at, enqueued_at, idempotency_key
                LIMIT $limit
                FOR UPDATE SKIP LOCKED)
            UPDATE delivery_outbox o
            SET state = 'sending', claimed_at = $now, claimed_by = $node
            FROM due WHERE o.idempotency_key = due.idempotency_key
            RETURNING {string.Join(", ", Outbox.EntryColumns.Split(", ").Select(c => "o." + c))}
            """,
            Outbox.ReadEntry,
            [("now", now), ("limit", limit), ("node", Node), .. parameters]);
    }

    // A node holds its lock from open to dispose on a connection of its own; PostgreSQL drops the lock when that
    // session ends, however the process ended. Claims by a node without its lock are abandoned. Counted as an attempt,
    // as on DuckDB: the channel may have taken the message before the node died.
    public override (int Count, List<string> Keys) RecoverAbandoned()
    {
        var recovered = Query(
            $"""
            UPDATE delivery_outbox SET state = 'pending', attempts = attempts + 1, last_error = $reason, claimed_by = NULL
            WHERE state = 'sending' AND (claimed_by IS NULL OR claimed_by NOT IN (
                SELECT l.objid::bigint FROM pg_locks l
                WHERE l.locktype = 'advisory' AND l.classid = $class::oid AND l.objsubid = 2 AND l.granted
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())))
            RETURNING idempotency_key, claimed_at
            """,
            r => (Key: r.GetString(0), At: r.IsDBNull(1) ? DateTime.MinValue : r.GetDateTime(1)),
            ("reason", Outbox.AbandonedClaim),
            ("class", nodeClass));
        return (recovered.Count, [.. recovered.OrderBy(r => r.At).ThenBy(r => r.Key, StringComparer.Ordinal).Take(20).Select(r => r.Key)]);
    }

    protected override void DisposeConnections()
    {
        Db.Dispose();
        lockConnection.Dispose();
    }
}
