using Npgsql;
using Trailmap.Delivery;

namespace Trailmap.Automation.Running;

/// <summary>
/// The runner's tables in PostgreSQL (<c>--state postgres://...</c>), shared by every node, and the lease that makes
/// one node at a time the owner of a pass: a session-level advisory lock taken with <c>pg_try_advisory_lock</c> on a
/// connection of its own, released when the pass ends, and by PostgreSQL when the node's session ends, however it
/// ended. See docs/postgres-state.md, "One owner per rule pass".
/// </summary>
internal sealed class PostgresAutomationState : AutomationState
{
    /// <summary>The first key of the pass lock (the second is the schema's), beside the outbox's and the DDL's.</summary>
    public const int PassLockClass = PostgresSchema.SchemaLockClass + 2;

    private static readonly string[] Steps =
    [
        """
        CREATE TABLE automation_rules (
            journey_id text NOT NULL,
            rule_id text NOT NULL,
            active_since timestamptz NOT NULL,
            paused_since timestamptz,
            paused_by text,
            resumed_at timestamptz,
            resumed_by text,
            PRIMARY KEY (journey_id, rule_id)
        );
        CREATE TABLE automation_decisions (
            idempotency_key text PRIMARY KEY,
            journey_id text NOT NULL,
            rule_id text NOT NULL,
            customer_id text NOT NULL,
            trigger_at timestamptz NOT NULL,
            outcome text NOT NULL,
            due_at timestamptz,
            decided_at timestamptz NOT NULL
        );
        CREATE INDEX automation_decisions_customer ON automation_decisions (journey_id, customer_id);
        CREATE INDEX automation_decisions_planned ON automation_decisions (due_at) WHERE outcome = 'planned';
        CREATE TABLE automation_secrets (
            name text PRIMARY KEY,
            value text NOT NULL
        );
        """,
    ];

    private readonly NpgsqlConnection leaseConnection;
    private readonly Lock leaseGate = new();
    private readonly int passKey;

    public PostgresAutomationState(PostgresAddress address)
        : base(LockedConnection.Postgres(address))
    {
        leaseConnection = new NpgsqlConnection(address.ConnectionString);
        passKey = PostgresSchema.Key(address.Schema ?? "public");
        try
        {
            PostgresSchema.Migrate((NpgsqlConnection)Db.Connection, address, "automation", Steps);
            leaseConnection.Open();
        }
        catch
        {
            Db.Dispose();
            leaseConnection.Dispose();
            throw;
        }
    }

    public override void AppendDecisions(IReadOnlyList<DecisionRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        Execute(
            """
            INSERT INTO automation_decisions
            SELECT * FROM unnest($keys::text[], $journeys::text[], $rules::text[], $customers::text[], $triggers::timestamptz[],
                                 $outcomes::text[], $due::timestamptz[], $decided::timestamptz[])
            ON CONFLICT (idempotency_key) DO NOTHING
            """,
            ("keys", rows.Select(r => r.Key).ToArray()),
            ("journeys", rows.Select(r => r.JourneyId).ToArray()),
            ("rules", rows.Select(r => r.RuleId).ToArray()),
            ("customers", rows.Select(r => r.CustomerId).ToArray()),
            ("triggers", rows.Select(r => ToDb(r.TriggerAt)).ToArray()),
            ("outcomes", rows.Select(r => r.Outcome).ToArray()),
            ("due", rows.Select(r => r.DueAt is { } due ? ToDb(due) : (DateTime?)null).ToArray()),
            ("decided", rows.Select(r => ToDb(r.DecidedAt)).ToArray()));
    }

    public override List<string> DecidedKeys(string journeyId, IEnumerable<string> customers) =>
        Query(
            "SELECT idempotency_key FROM automation_decisions WHERE journey_id = $j AND customer_id = ANY($customers::text[])",
            r => r.GetString(0),
            ("j", journeyId),
            ("customers", customers.ToArray()));

    // The per-journey keys came before PostgreSQL state: a database made here never held the old keys.
    public override bool MoveToPerJourneyKeys() => false;

    // The workspace's journey tables are here once a serve with --state made them (the workspace component);
    // to_regclass looks where the address's schema puts them.
    public override bool HasTable(string name) => Scalar("SELECT to_regclass($name) IS NOT NULL", ("name", name)) is true;

    public override IDisposable? TryOwnPass()
    {
        lock (leaseGate)
        {
            // A lease connection that broke held no lock any more (PostgreSQL dropped it with the session).
            PostgresSchema.Reconnect(leaseConnection);
            using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@class, @key)", leaseConnection);
            take.Parameters.AddWithValue("class", PassLockClass);
            take.Parameters.AddWithValue("key", passKey);
            return take.ExecuteScalar() is true ? new Lease(this) : null;
        }
    }

    private void Release()
    {
        lock (leaseGate)
        {
            if (leaseConnection.State != System.Data.ConnectionState.Open)
            {
                return;
            }

            using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@class, @key)", leaseConnection);
            release.Parameters.AddWithValue("class", PassLockClass);
            release.Parameters.AddWithValue("key", passKey);
            release.ExecuteNonQuery();
        }
    }

    protected override void DisposeConnections()
    {
        Db.Dispose();
        lock (leaseGate)
        {
            leaseConnection.Dispose();
        }
    }

    private sealed class Lease(PostgresAutomationState owner) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
