using Trailmap.Analytics.Events;
using Trailmap.Events;

namespace Trailmap.Web.Analysis;

/// <summary>
/// The workspace's event store, shared by every request. One gate serialises use of the store's connection
/// (DuckDB connections are not safe for concurrent callers); loaded event logs are cached until the data
/// changes, so pages read memory, not the store.
/// </summary>
public sealed class EventData : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lock cacheLock = new();
    private readonly List<(long Version, string Key, EventLog Log)> logs = [];
    private long version;

    public EventData(EventStore store) => Store = store;

    /// <summary>Rises every time events land; caches keyed on it never serve stale numbers.</summary>
    public long Version => Interlocked.Read(ref version);

    private EventStore Store { get; }

    public string Path => Store.Path;

    /// <summary>Runs <paramref name="work"/> with the store to itself; call <see cref="Changed"/> after writing.</summary>
    public async Task<T> UseAsync<T>(Func<EventStore, T> work, CancellationToken cancel = default)
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

    /// <summary>Marks the data as changed: the next page reloads events.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref version);
        lock (cacheLock)
        {
            logs.Clear();
        }
    }

    /// <summary>
    /// The event log with these properties parsed, from the cache when the data has not changed since. Two logs
    /// are kept, enough for the journey open in the editor and the one on the map, without holding one per journey.
    /// </summary>
    public async Task<EventLog> LogAsync(IReadOnlySet<string> properties, CancellationToken cancel = default)
    {
        var key = string.Join('\u001f', properties.Order(StringComparer.Ordinal));
        var at = Version;
        lock (cacheLock)
        {
            var hit = logs.FindIndex(l => l.Version == at && l.Key == key);
            if (hit >= 0)
            {
                var entry = logs[hit];
                logs.RemoveAt(hit);
                logs.Add(entry);
                return entry.Log;
            }
        }

        var log = await UseAsync(s => s.LoadEventLog(new EventLogQuery { Properties = [.. properties] }), cancel).ConfigureAwait(false);
        lock (cacheLock)
        {
            if (Version == at)
            {
                logs.Add((at, key, log));
                if (logs.Count > 2)
                {
                    logs.RemoveAt(0);
                }
            }
        }

        return log;
    }

    public void Dispose()
    {
        Store.Dispose();
        gate.Dispose();
    }
}
