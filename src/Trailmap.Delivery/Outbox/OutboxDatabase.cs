using System.Data.Common;

namespace Trailmap.Delivery;

/// <summary>
/// The connection behind the outbox, the suppression list and the in-app queue, the lock that serialises every use of
/// it, and the writer thread that group-commits writes. Two engines: <see cref="DuckDbOutboxDatabase"/> (the
/// workspace's file) and <see cref="PostgresOutboxDatabase"/> (<c>--state postgres://</c>, shared by several nodes).
/// The SQL the outbox shares between them names parameters as <c>$name</c>; each engine binds them its own way, and
/// what the engines do differently (bulk insert, claiming, recovery after a crash) is in the abstract members below.
/// </summary>
internal abstract class OutboxDatabase : IDisposable
{
    protected OutboxDatabase(LockedConnection db)
    {
        Db = db;
        writer = new Thread(WriterLoop) { IsBackground = true, Name = "trailmap outbox writer" };
    }

    /// <summary>The connection and the lock every use of it takes (engines hold it for their own multi-statement work).</summary>
    protected LockedConnection Db { get; }

    protected Lock Gate => Db.Gate;

    /// <summary>Starts the writer; the engine's constructor calls it once its connection is open and its tables exist.</summary>
    protected void StartWriter() => writer.Start();

    /// <summary>
    /// True when this process is the only writer (DuckDB's file lock): the outbox may then keep every key's hash in
    /// memory and treat an unknown key as new without asking the table.
    /// </summary>
    public abstract bool SoleWriter { get; }

    /// <summary>
    /// An extra WHERE clause (with its parameters) that limits an update of claimed messages to this process's claims:
    /// empty on DuckDB, where every claim is this process's; the node's id on PostgreSQL.
    /// </summary>
    public abstract (string Sql, (string Name, object? Value)[] Parameters) OwnClaims { get; }

    /// <summary>Inserts new messages (some already claimed by this process); returns the keys that were inserted.</summary>
    public abstract IReadOnlySet<string> Insert(List<OutboxMessage> messages, bool[] claimedNow, DateTime now);

    /// <summary>Applies outcomes to the claimed messages they name, in one statement.</summary>
    public abstract void WriteOutcomes(List<Outbox.Outcome> outcomes);

    /// <summary>Marks up to <paramref name="limit"/> due messages as sending (claimed by this process) and returns them.</summary>
    public abstract List<OutboxEntry> Claim(DateTime now, long limit, string filter, (string Name, object? Value)[] parameters);

    /// <summary>
    /// Puts back to pending the messages claimed by a dispatcher that is gone (counting the lost attempt); returns
    /// how many and the first keys, oldest claim first.
    /// </summary>
    public abstract (int Count, List<string> Keys) RecoverAbandoned();

    public int Execute(string sql, params (string Name, object? Value)[] parameters) => Db.Execute(sql, parameters);

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Db.Scalar(sql, parameters);

    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters) => Db.Query(sql, map, parameters);

    public T InTransaction<T>(Func<T> work) => Db.InTransaction(work);

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
        lock (Gate)
        {
            DbTransaction? transaction = null;
            try
            {
                transaction = Db.BeginTransaction();
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
        DisposeConnections();
    }

    /// <summary>Closes the connection; an engine with more connections closes them too.</summary>
    protected virtual void DisposeConnections() => Db.Dispose();

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
}
