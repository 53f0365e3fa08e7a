using System.Data.Common;
using DuckDB.NET.Data;

namespace Trailmap.Delivery;

/// <summary>
/// The DuckDB connection behind the outbox, the suppression list and the in-app queue, and the lock that serialises
/// every use of it: a DuckDB connection is not safe to share between threads, and the dispatcher records results from
/// several sends at once.
/// </summary>
internal sealed class OutboxDatabase : IDisposable
{
    private readonly DuckDBConnection connection;
    private readonly Lock gate = new();

    public OutboxDatabase(string path)
    {
        connection = new DuckDBConnection("DataSource=" + path);
        try
        {
            connection.Open();
            Execute("SET TimeZone = 'UTC'");
            // No `SET threads = 1` here, though the outbox's tiny statements would run a little cheaper: the setting is
            // global to the database, which the outbox shares with the events, and it made every query of the
            // workspace (the whole log's load, the running rules' reads) single-threaded.
            Execute(Schema);
            // Outcomes are appended here and applied with one UPDATE ... FROM per group (Outbox.WriteOutcomes). A
            // temporary table lives in memory, belongs to this connection and is never written to the WAL.
            Execute(
                """
                CREATE TEMP TABLE delivery_outcome_batch (
                    key VARCHAR, state VARCHAR, last_error VARCHAR, receipt VARCHAR,
                    next_attempt_at TIMESTAMP, sent_at TIMESTAMP, finished_at TIMESTAMP)
                """);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        writer = new Thread(WriterLoop) { IsBackground = true, Name = "trailmap outbox writer" };
        writer.Start();
    }

    // Every table is the delivery's own and created if missing, so the outbox may live in its own file or share one.
    // delivery_outbox has no PRIMARY KEY: DuckDB maintains an ART index on every update (and rewrites it at each
    // checkpoint), which halved enqueue and recording throughput in bench/delivery-bench.sh. Keys stay unique because
    // one process writes a file at a time (DuckDB's file lock) and Outbox.EnqueueMany checks and inserts under
    // this class's lock.
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

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            var value = command.ExecuteScalar();
            return value is DBNull ? null : value;
        }
    }

    /// <summary>
    /// Appends rows to <paramref name="table"/> with DuckDB's appender, inside the writer's transaction when called
    /// from a write: no SQL to parse and no parameters to bind, which made a multi-row INSERT cost milliseconds.
    /// </summary>
    public void Append(string table, Action<DuckDBAppender> fill)
    {
        lock (gate)
        {
            using var appender = connection.CreateAppender(table);
            fill(appender);
        }
    }

    /// <summary>Runs a query and maps every row while holding the lock (readers must not outlive it).</summary>
    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        lock (gate)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction of its own: all of it is committed or none.</summary>
    public T InTransaction<T>(Func<T> work)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var result = work();
            transaction.Commit();
            return result;
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> for the writer, which runs everything queued so far in ONE transaction and
    /// commits once (a group commit), and completes when that commit is durable. A commit costs a disk flush
    /// (7 ms on the project's machine), so commits, not statements, bound the messages per second; this is how
    /// enqueues, claims and outcomes share them. <paramref name="committed"/> runs on the writer after the commit
    /// (before the task completes); <paramref name="rolledBack"/> when the transaction holding the work was rolled
    /// back, after which the work runs again in a transaction of its own, so one failing item fails alone and each
    /// item is still all or none. Work runs on the writer thread, one item at a time.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<T> work, Action<T>? committed = null, Action? rolledBack = null)
    {
        var item = new WriteItem<T>(work, committed, rolledBack, blocking: false);
        Submit(item);
#pragma warning disable VSTHRD003 // The writer thread completes it; no synchronization context is involved.
        return item.Done.Task;
#pragma warning restore VSTHRD003
    }

    /// <summary><see cref="WriteAsync"/> for synchronous callers: blocks until the group holding the work is committed.</summary>
    public T Write<T>(Func<T> work, Action<T>? committed = null, Action? rolledBack = null)
    {
        var item = new WriteItem<T>(work, committed, rolledBack, blocking: true);
        Submit(item);
        item.Finished!.Wait();
        item.Finished.Dispose();
        return item.Done.Task.IsCompletedSuccessfully
            ? item.Result
            : throw item.Done.Task.Exception!.InnerException!;
    }

    private void Submit(WriteItem item)
    {
        lock (writeQueueGate)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            writeQueue.Add(item);
            Monitor.Pulse(writeQueueGate);
        }
    }

    private void WriterLoop()
    {
        while (true)
        {
            List<WriteItem> batch;
            lock (writeQueueGate)
            {
                while (writeQueue.Count == 0 && !stopping)
                {
                    Monitor.Wait(writeQueueGate);
                }

                if (writeQueue.Count == 0)
                {
                    return;
                }

                (batch, writeQueue) = (writeQueue, []);
            }

            GroupCommits++;
            GroupedWrites += batch.Count;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var ok = TryCommit(batch);
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (took > LongestGroup)
            {
                LongestGroup = took;
            }

            if (took > TimeSpan.FromSeconds(1))
            {
                SlowGroups++;
            }

            if (!ok && batch.Count > 1)
            {
                // The group was rolled back as a whole: each item again alone, so only the failing one fails.
                foreach (var item in batch)
                {
                    TryCommit([item]);
                }
            }
        }
    }

    /// <summary>How many group transactions the writer committed or tried, and the writes they held (for the bench).</summary>
    public long GroupCommits { get; private set; }

    public long GroupedWrites { get; private set; }

    /// <summary>The longest time one group took to run and commit, and how many took over a second (a checkpoint).</summary>
    public TimeSpan LongestGroup { get; private set; }

    public long SlowGroups { get; private set; }

    private bool TryCommit(List<WriteItem> batch)
    {
        lock (gate)
        {
            DuckDBTransaction? transaction = null;
            try
            {
                transaction = connection.BeginTransaction();
                foreach (var item in batch)
                {
                    item.Run();
                }

                transaction.Commit();
            }
            catch (Exception e)
            {
                try
                {
                    transaction?.Rollback();
                }
                catch (Exception)
                {
                    // Already rolled back by DuckDB (a failed commit): nothing left to undo.
                }

                foreach (var item in batch)
                {
                    item.RolledBack();
                    if (batch.Count == 1)
                    {
                        item.Fail(e);
                    }
                }

                return false;
            }
            finally
            {
                transaction?.Dispose();
            }
        }

        foreach (var item in batch)
        {
            item.Committed();
        }

        return true;
    }

    public void Dispose()
    {
        lock (writeQueueGate)
        {
            if (stopping)
            {
                return;
            }

            stopping = true;
            Monitor.Pulse(writeQueueGate);
        }

        // The writer finishes what was queued before the stop, then ends.
        writer.Join();
        lock (gate)
        {
            connection.Dispose();
        }
    }

    private readonly object writeQueueGate = new();
    private List<WriteItem> writeQueue = [];
    private bool stopping;
    private readonly Thread writer;

    private abstract class WriteItem
    {
        public abstract void Run();

        public abstract void Committed();

        public abstract void RolledBack();

        public abstract void Fail(Exception e);
    }

    private sealed class WriteItem<T>(Func<T> work, Action<T>? committed, Action? rolledBack, bool blocking) : WriteItem
    {
        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim? Finished { get; } = blocking ? new ManualResetEventSlim() : null;

        public T Result { get; private set; } = default!;

        public override void Run() => Result = work();

        public override void Committed()
        {
            try
            {
                committed?.Invoke(Result);
                Done.TrySetResult(Result);
            }
            catch (Exception e)
            {
                Done.TrySetException(e);
            }

            Finished?.Set();
        }

        public override void RolledBack() => rolledBack?.Invoke();

        public override void Fail(Exception e)
        {
            Done.TrySetException(e);
            Finished?.Set();
        }
    }

    // DuckDB stores microseconds; truncating here makes what is read back equal what was written.
    public static DateTime ToDb(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }

    public static DateTimeOffset FromDb(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset FromDb(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static DateTimeOffset? FromDbOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromDb(reader, ordinal);

    public static string? StringOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private DuckDBCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }

        return command;
    }
}
