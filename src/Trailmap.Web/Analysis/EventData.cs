using Trailmap.Events;

namespace Trailmap.Web.Analysis;

/// <summary>
/// The workspace's event store, shared by every request. One gate serialises use of the store's connection
/// (DuckDB connections are not safe for concurrent callers); loaded event logs are cached until the data
/// changes, so pages read memory, not the store. The store is a DuckDB file or a ClickHouse cluster
/// (<c>serve --db clickhouse://</c>); pages and rules reach either through <see cref="IEventStore"/>.
/// </summary>
/// <remarks>
/// Loading a log reads every event (tens of seconds at 10M events), so loads run on a second connection to the same
/// file with a gate of their own: a load neither holds up the ingestion pump's imports nor a customer's timeline,
/// only one load runs at a time, and callers asking for the same log at the same data version share one load.
/// </remarks>
public sealed class EventData : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SemaphoreSlim loadGate = new(1, 1);
    private readonly Lock cacheLock = new();
    private readonly List<CachedLog> logs = [];
    private readonly Dictionary<string, (long Version, Task<EventLog> Load)> loading = new(StringComparer.Ordinal);
    private readonly Lazy<IEventStore> reader;
    private long version;

    /// <summary>Completed (and replaced) by every <see cref="Changed"/>: what <see cref="WaitForChangeAsync"/> waits on.</summary>
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long loads;
    private long fullLoads;

    public EventData(IEventStore store)
    {
        Store = store;

        // ":memory:" opened twice is two databases; a throwaway store loads on its only connection, under the gate.
        // A ClickHouse store answers concurrent queries over HTTP: it is its own reader.
        reader = new Lazy<IEventStore>(() => store is not EventStore || store.Path == ":memory:" ? store : EventStore.Open(store.Path));
    }

    /// <summary>Rises every time events land; caches keyed on it never serve stale numbers.</summary>
    public long Version => Interlocked.Read(ref version);

    /// <summary>How many event logs were loaded or extended so far (tests count reloads with it).</summary>
    internal long Loads => Interlocked.Read(ref loads);

    /// <summary>How many of those read every event, rather than extending a log with what landed since.</summary>
    internal long FullLoads => Interlocked.Read(ref fullLoads);

    private IEventStore Store { get; }

    /// <summary>The gate loads take: the writers' own when a DuckDB store loads on its only connection.</summary>
    private SemaphoreSlim LoadGate => ReferenceEquals(reader.Value, Store) && Store is EventStore ? gate : loadGate;

    public string Path => Store.Path;

    /// <summary>
    /// Runs <paramref name="work"/> with a DuckDB store to itself, for what only DuckDB has (its importer, sorted
    /// reads, accounts); on another engine it throws. Engine-neutral work goes through <see cref="UseStoreAsync{T}"/>.
    /// </summary>
    public Task<T> UseAsync<T>(Func<EventStore, T> work, CancellationToken cancel = default) =>
        UseStoreAsync(store => store is EventStore duck ? work(duck) : throw new InvalidOperationException($"this needs a DuckDB event store; the events are in {store.Path}"), cancel);

    /// <summary>Runs <paramref name="work"/> with the store, of either engine, to itself; call <see cref="Changed"/> after writing.</summary>
    public async Task<T> UseStoreAsync<T>(Func<IEventStore, T> work, CancellationToken cancel = default)
    {
        await gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => work(Store), cancel).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Marks the data as changed: the next log asked for holds the new events too.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref version);
        Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Returns once <see cref="Version"/> differs from <paramref name="seen"/>, or after <paramref name="timeout"/>:
    /// the running rules react to new events at once instead of on their next poll.
    /// </summary>
    public async Task WaitForChangeAsync(long seen, TimeSpan timeout, CancellationToken cancel)
    {
        // Taken before reading the version: a change after this read completes this very task.
        var next = Volatile.Read(ref changed).Task;
        if (Version != seen)
        {
            return;
        }

        try
        {
            await next.WaitAsync(timeout, cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing changed: the caller's own schedule decides what to do.
        }
    }

    /// <summary>
    /// The event log with these properties parsed, holding at least every event that landed before the call: from
    /// the cache when the data has not changed since, else shared with a load of the same log already under way at
    /// the same data version, else read from the store: only what landed since when a log of the same properties is
    /// cached from an earlier data version (see <see cref="LogMerge"/>), every event otherwise. Two logs are kept,
    /// enough for the journey open in the editor and the one on the map, without holding one per journey.
    /// </summary>
    public Task<EventLog> LogAsync(IReadOnlySet<string> properties, CancellationToken cancel = default) => LogAsync(properties, AnalysisUnit.People, cancel);

    /// <summary>The same, of people or of accounts (every member's events as one account's; docs/accounts.md).</summary>
    public Task<EventLog> LogAsync(IReadOnlySet<string> properties, AnalysisUnit unit, CancellationToken cancel = default)
    {
        var key = (unit == AnalysisUnit.Accounts ? "accounts\u001e" : "") + string.Join('\u001f', properties.Order(StringComparer.Ordinal));
        var at = Version;
        Task<EventLog> load;
        lock (cacheLock)
        {
            var hit = logs.FindIndex(l => l.Version == at && l.Key == key);
            var older = logs.FindLast(l => l.Version < at && l.Key == key);
            if (hit >= 0)
            {
                var entry = logs[hit];
                logs.RemoveAt(hit);
                logs.Add(entry);
                return Task.FromResult(entry.Log);
            }

            if (loading.TryGetValue(key, out var running) && running.Version == at)
            {
                load = running.Load;
            }
            else if (running.Load is { } earlier && running.Version < at)
            {
                // The same log is being read for older data (at start-up the first page and the rules ask for it
                // while events land): wait for that read and add only what landed since, rather than read every
                // event a second time beside it, with twice the memory.
                load = LoadAfterAsync(earlier, properties, unit, key, at);
                loading[key] = (at, load);
            }
            else
            {
                // Not tied to the caller's cancellation: others may join this load, and a finished one is cached.
                load = LoadAsync(properties, unit, key, at, older);
                loading[key] = (at, load);
            }
        }

        return load.WaitAsync(cancel);
    }

    private async Task<EventLog> LoadAfterAsync(Task<EventLog> earlier, IReadOnlySet<string> properties, AnalysisUnit unit, string key, long at)
    {
        try
        {
            // The earlier load runs on the thread pool, not in a context this could block.
#pragma warning disable VSTHRD003
            await earlier.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Its callers hear of that failure; this load starts from whatever the cache holds.
        }

        CachedLog? older;
        lock (cacheLock)
        {
            older = logs.FindLast(l => l.Version < at && l.Key == key);
        }

        return await LoadAsync(properties, unit, key, at, older).ConfigureAwait(false);
    }

    private async Task<EventLog> LoadAsync(IReadOnlySet<string> properties, AnalysisUnit unit, string key, long at, CachedLog? older)
    {
        // Off the caller's stack first, so the caller registers this load before it can finish and unregister.
        await Task.Yield();
        try
        {
            var store = reader.Value;
            var gateOfStore = LoadGate;
            await gateOfStore.WaitAsync().ConfigureAwait(false);
            CachedLog loaded;
            try
            {
                Interlocked.Increment(ref loads);
                loaded = await Task.Run(() => Load(store, properties, unit, key, at, older)).ConfigureAwait(false);
            }
            finally
            {
                gateOfStore.Release();
            }

            lock (cacheLock)
            {
                // Kept even when the data moved on meanwhile: the next load extends it rather than starting over.
                logs.RemoveAll(l => l.Key == key && l.Version <= at);
                logs.Add(loaded);
                if (logs.Count > 2)
                {
                    logs.RemoveAt(0);
                }
            }

            return loaded.Log;
        }
        finally
        {
            lock (cacheLock)
            {
                if (loading.TryGetValue(key, out var running) && running.Version == at)
                {
                    loading.Remove(key);
                }
            }
        }
    }

    private CachedLog Load(IEventStore store, IReadOnlySet<string> properties, AnalysisUnit unit, string key, long at, CachedLog? older)
    {
        // Read before the events: traits updated from here on are what the next extension reads.
        var traitsMark = store.TraitsWatermark();
        var identities = IdentityVersion(store);
        var query = new EventLogQuery { Properties = [.. properties], Unit = unit };
        EventLog log;

        // A merge of ids regroups events the older log already holds under their person: extending it cannot.
        // A new membership moves a member's old events into an account: accounts are loaded whole.
        if (older is { MaxSequence: { } after } && older.Identities == identities && identities >= 0 && unit == AnalysisUnit.People)
        {
            var delta = store.Load(query with { AfterSequence = after, TraitsUpdatedSince = older.TraitsMark });
            log = delta.EventCount == 0 && delta.Traits is not { Count: > 0 } ? older.Log : LogMerge.Merge(older.Log, delta);
        }
        else
        {
            Interlocked.Increment(ref fullLoads);
            log = store.Load(query);
        }

        return new CachedLog(at, key, log, log.MaxSequence(), traitsMark, identities);
    }

    /// <summary>
    /// What changes when ids merge: the link count on DuckDB; on ClickHouse, which writers of several nodes share,
    /// -1, which turns off extending a cached log: every load reads every event.
    /// </summary>
    /// <remarks>
    /// On ClickHouse an arrival sequence is not a safe place to resume from: two nodes ingesting at once take their
    /// numbers from the same stored maximum, so a batch can land below a number already read. A full load is exact.
    /// </remarks>
    private static long IdentityVersion(IEventStore store) => store is EventStore duck ? duck.IdentityVersion() : -1;

    /// <summary>
    /// Holds back every log load until the result is disposed: tests use it to catch a page while a measurement is
    /// under way, deterministically, without a fake store.
    /// </summary>
    internal async Task<IDisposable> PauseLoadsAsync(CancellationToken cancel)
    {
        var held = LoadGate;
        await held.WaitAsync(cancel).ConfigureAwait(false);
        return new Release(held);
    }

    public void Dispose()
    {
        if (reader.IsValueCreated && !ReferenceEquals(reader.Value, Store))
        {
            reader.Value.Dispose();
        }

        Store.Dispose();
        gate.Dispose();
        loadGate.Dispose();
    }

    private sealed class Release(SemaphoreSlim held) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                held.Release();
            }
        }
    }

    /// <summary>
    /// A loaded log, what it holds (events up to <paramref name="MaxSequence"/>, traits as of <paramref name="TraitsMark"/>,
    /// persons as of <paramref name="Identities"/>) and the data version it was asked for at.
    /// </summary>
    private sealed record CachedLog(long Version, string Key, EventLog Log, long? MaxSequence, DateTimeOffset? TraitsMark, long Identities);
}
