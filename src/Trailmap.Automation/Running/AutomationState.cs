using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using Trailmap.Delivery;

namespace Trailmap.Automation.Running;

/// <summary>
/// The runner's tables: <c>automation_rules</c> holds each rule's activation and pause state,
/// <c>automation_decisions</c> one row per trigger the runner decided (keyed by the idempotency key),
/// <c>automation_secrets</c> the workspace's unsubscribe secret. Two engines: <see cref="DuckDbAutomationState"/>
/// (the workspace's file) and <see cref="PostgresAutomationState"/> (<c>--state postgres://</c>, shared by several
/// nodes). One connection each, with one lock, because a connection is not safe for concurrent callers. The SQL the
/// runner shares between them names parameters as <c>$name</c>.
/// </summary>
internal abstract class AutomationState : IDisposable
{
    protected AutomationState(LockedConnection db) => Db = db;

    /// <summary>The connection and the lock every use of it takes.</summary>
    protected LockedConnection Db { get; }

    protected Lock Gate => Db.Gate;

    public int Execute(string sql, params (string Name, object? Value)[] parameters) => Db.Execute(sql, parameters);

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Db.Scalar(sql, parameters);

    /// <summary>Runs a query and maps every row while holding the lock (readers never escape it).</summary>
    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters) => Db.Query(sql, map, parameters);

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is committed or none.</summary>
    public void InTransaction(Action work) => Db.InTransaction(work);

    /// <summary>Inserts decisions, skipping keys already decided, in one transaction.</summary>
    public abstract void AppendDecisions(IReadOnlyList<DecisionRow> rows);

    /// <summary>The idempotency keys a journey decided for these customers.</summary>
    public abstract List<string> DecidedKeys(string journeyId, IEnumerable<string> customers);

    /// <summary>Moves state written before rule keys carried the journey; true when it ran (the outbox must reread its keys).</summary>
    public abstract bool MoveToPerJourneyKeys();

    /// <summary>True when the table exists (the workspace's journey tables: a file written by <c>trailmap serve</c>).</summary>
    public abstract bool HasTable(string name);

    /// <summary>
    /// Takes the right to run a pass, for as long as the returned lease is not disposed; null when another node
    /// holds it (docs/postgres-state.md, "One owner per rule pass").
    /// </summary>
    public abstract IDisposable? TryOwnPass();

    /// <summary>The named secret, created from <paramref name="create"/> and stored on first use (the first node's wins).</summary>
    public string Secret(string name, Func<string> create)
    {
        lock (Gate)
        {
            if (Scalar("SELECT value FROM automation_secrets WHERE name = $name", ("name", name)) is string existing)
            {
                return existing;
            }

            Execute("INSERT INTO automation_secrets (name, value) VALUES ($name, $value) ON CONFLICT DO NOTHING", ("name", name), ("value", create()));
            return (string)Scalar("SELECT value FROM automation_secrets WHERE name = $name", ("name", name))!;
        }
    }

    public void Dispose() => DisposeConnections();

    /// <summary>Closes the connection; an engine with more connections closes them too.</summary>
    protected virtual void DisposeConnections() => Db.Dispose();

    // Both engines store microseconds; truncating here makes what is read back equal what was written.
    public static DateTime ToDb(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }

    public static DateTimeOffset FromDb(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static DateTimeOffset? FromDbOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromDb(reader, ordinal);

    public static string? StringOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static string N(int i) => i.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The runner's tables in the workspace's DuckDB file, on a connection of its own (DuckDB shares one database
/// instance between connections to one file in a process).
/// </summary>
internal sealed class DuckDbAutomationState : AutomationState
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS automation_rules (
            journey_id VARCHAR NOT NULL,
            rule_id VARCHAR NOT NULL,
            active_since TIMESTAMP NOT NULL,
            paused_since TIMESTAMP,
            paused_by VARCHAR,
            resumed_at TIMESTAMP,
            resumed_by VARCHAR,
            PRIMARY KEY (journey_id, rule_id)
        );
        CREATE TABLE IF NOT EXISTS automation_decisions (
            idempotency_key VARCHAR PRIMARY KEY,
            journey_id VARCHAR NOT NULL,
            rule_id VARCHAR NOT NULL,
            customer_id VARCHAR NOT NULL,
            trigger_at TIMESTAMP NOT NULL,
            outcome VARCHAR NOT NULL,
            due_at TIMESTAMP,
            decided_at TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS automation_secrets (
            name VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL
        );
        CREATE TABLE IF NOT EXISTS automation_migrations (
            name VARCHAR PRIMARY KEY,
            applied_at TIMESTAMP NOT NULL
        );
        """;

    private const string PerJourneyKeys = "rule-keys-per-journey";

    public DuckDbAutomationState(string path)
        : base(LockedConnection.DuckDb(path))
    {
        try
        {
            Execute(Schema);
            // Decisions are appended here, then moved with one INSERT (see AppendDecisions). A temporary table
            // lives in memory, belongs to this connection and never reaches the WAL.
            Execute("CREATE TEMP TABLE automation_decision_batch AS SELECT * FROM automation_decisions LIMIT 0");
            Execute("CREATE TEMP TABLE automation_customer_batch (customer_id VARCHAR)");
        }
        catch
        {
            Db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Inserts decisions (skipping keys already decided) in one transaction, through DuckDB's appender: a pass
    /// decides hundreds of triggers a second under steady ingestion, and a multi-row INSERT with seven bound
    /// parameters a row took hundreds of milliseconds for a few hundred rows (bench/action-bench.sh).
    /// </summary>
    public override void AppendDecisions(IReadOnlyList<DecisionRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        InTransaction(() =>
        {
            Execute("DELETE FROM automation_decision_batch");
            using (var appender = Duck.CreateAppender("automation_decision_batch"))
            {
                foreach (var r in rows)
                {
                    var row = appender.CreateRow().AppendValue(r.Key).AppendValue(r.JourneyId).AppendValue(r.RuleId).AppendValue(r.CustomerId)
                        .AppendValue(ToDb(r.TriggerAt)).AppendValue(r.Outcome);
                    row = r.DueAt is { } due ? row.AppendValue(ToDb(due)) : row.AppendNullValue();
                    row.AppendValue(ToDb(r.DecidedAt)).EndRow();
                }
            }

            Execute("INSERT INTO automation_decisions SELECT * FROM automation_decision_batch ON CONFLICT DO NOTHING");
            Execute("DELETE FROM automation_decision_batch");
        });
    }

    /// <summary>
    /// The idempotency keys a journey decided for these customers: one join with the customers appended to a
    /// temporary table, rather than reading every decision of the journey (millions on a large workspace) or
    /// binding thousands of parameters.
    /// </summary>
    public override List<string> DecidedKeys(string journeyId, IEnumerable<string> customers)
    {
        lock (Gate)
        {
            Execute("DELETE FROM automation_customer_batch");
            using (var appender = Duck.CreateAppender("automation_customer_batch"))
            {
                foreach (var customer in customers)
                {
                    appender.CreateRow().AppendValue(customer).EndRow();
                }
            }

            var keys = Query(
                "SELECT idempotency_key FROM automation_decisions WHERE journey_id = $j AND customer_id IN (SELECT customer_id FROM automation_customer_batch)",
                r => r.GetString(0),
                ("j", journeyId));
            Execute("DELETE FROM automation_customer_batch");
            return keys;
        }
    }

    /// <summary>
    /// Once per file: moves state written when rule ids were workspace-wide to per-journey keys (see
    /// <see cref="Trailmap.Delivery.RuleKeys"/>), in one transaction. Decisions get their journey in the key; each
    /// outbox message gets the journey of its decision, else of the journey that ran its rule (the first activated:
    /// a second journey with the same id was refused then); outbox pauses follow the rules' recorded pauses. Messages
    /// no journey owned keep their key. True when it ran (the outbox must then reread its keys).
    /// </summary>
    public override bool MoveToPerJourneyKeys()
    {
        lock (Gate)
        {
            if (Scalar("SELECT count(*) FROM automation_migrations WHERE name = $name", ("name", PerJourneyKeys)) is long n && n > 0)
            {
                return false;
            }

            var outbox = HasTable("delivery_outbox") && HasTable("delivery_paused_rules");
            InTransaction(() =>
            {
                Execute("CREATE TEMP TABLE rule_owner AS SELECT rule_id, arg_min(journey_id, active_since) AS journey_id FROM automation_rules GROUP BY rule_id");
                if (outbox)
                {
                    Execute(
                        """
                        UPDATE delivery_outbox
                        SET idempotency_key = m.journey_id || '/' || delivery_outbox.idempotency_key, rule_id = m.journey_id || '/' || delivery_outbox.rule_id
                        FROM (
                            SELECT o.idempotency_key AS key, coalesce(d.journey_id, w.journey_id) AS journey_id
                            FROM delivery_outbox o
                            LEFT JOIN automation_decisions d ON d.idempotency_key = o.idempotency_key
                            LEFT JOIN rule_owner w ON w.rule_id = o.rule_id) AS m
                        WHERE delivery_outbox.idempotency_key = m.key AND m.journey_id IS NOT NULL
                        """);
                    Execute("DELETE FROM delivery_paused_rules WHERE rule_id IN (SELECT rule_id FROM automation_rules)");
                    Execute(
                        """
                        INSERT INTO delivery_paused_rules (rule_id, paused_since)
                        SELECT journey_id || '/' || rule_id, paused_since FROM automation_rules WHERE paused_since IS NOT NULL
                        ON CONFLICT DO NOTHING
                        """);
                }

                // A primary key is not updated in place: copy, empty, insert back with the journey in the key.
                Execute("CREATE TEMP TABLE decisions_per_journey AS SELECT * REPLACE (journey_id || '/' || idempotency_key AS idempotency_key) FROM automation_decisions");
                Execute("DELETE FROM automation_decisions");
                Execute("INSERT INTO automation_decisions SELECT * FROM decisions_per_journey");
                Execute("DROP TABLE decisions_per_journey");
                Execute("DROP TABLE rule_owner");
                Execute("INSERT INTO automation_migrations (name, applied_at) VALUES ($name, now()::TIMESTAMP)", ("name", PerJourneyKeys));
            });
            return true;
        }
    }

    /// <summary>True when the workspace's journey tables exist in this file (a file written by <c>trailmap serve</c>).</summary>
    public override bool HasTable(string name) =>
        Scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = $name", ("name", name)) is long n && n > 0;

    // One process at a time opens a DuckDB file: it owns every pass.
    public override IDisposable? TryOwnPass() => NoLease.Instance;

    // The appender is DuckDB's own; it runs on this connection under its lock.
    private DuckDBConnection Duck => (DuckDBConnection)Db.Connection;

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>One row of <c>automation_decisions</c>.</summary>
internal sealed record DecisionRow(
    string Key, string JourneyId, string RuleId, string CustomerId, DateTimeOffset TriggerAt, string Outcome, DateTimeOffset? DueAt, DateTimeOffset DecidedAt);
