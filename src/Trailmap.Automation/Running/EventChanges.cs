using Trailmap.Events;

namespace Trailmap.Automation.Running;

/// <summary>A position in the events: the highest arrival sequence number and the latest traits update seen (null: none yet).</summary>
public sealed record EventsMark(long? Sequence, DateTimeOffset? TraitsAt);

/// <summary>
/// Reads only the customers who changed since a position, with their whole histories: what a pass between sweeps
/// evaluates. The server reads them from the store with one query, so a pass costs in proportion to what changed,
/// not to the store (<see cref="AutomationRunner"/>); without it the runner picks them out of the whole log.
/// </summary>
public interface IEventChanges
{
    /// <summary>Where the events are now: read before a sweep loads the whole log, so nothing landing meanwhile is missed.</summary>
    Task<EventsMark> MarkAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The customers with an event after <paramref name="since"/>'s sequence number or a traits update at or after
    /// its traits time, every event of theirs with these properties parsed, and the position read just before them.
    /// </summary>
    Task<(EventLog Log, EventsMark Mark)> ChangedSinceAsync(IReadOnlySet<string> properties, EventsMark since, CancellationToken cancellationToken);
}

/// <summary>
/// Changes picked out of the whole log: customers with an event after the mark's sequence number. Traits carry no
/// time in a log, so a traits-only change waits for the next sweep. For a cron pass (one full sweep) and tests.
/// </summary>
internal sealed class ChangesFromWholeLog(Func<IReadOnlySet<string>, CancellationToken, Task<EventLog>> events) : IEventChanges
{
    private static readonly IReadOnlySet<string> NoProperties = new HashSet<string>();

    public async Task<EventsMark> MarkAsync(CancellationToken cancellationToken) =>
        new((await events(NoProperties, cancellationToken).ConfigureAwait(false)).MaxSequence(), null);

    public async Task<(EventLog Log, EventsMark Mark)> ChangedSinceAsync(IReadOnlySet<string> properties, EventsMark since, CancellationToken cancellationToken)
    {
        var log = await events(properties, cancellationToken).ConfigureAwait(false);
        var after = since.Sequence ?? long.MinValue;
        var changed = new List<int>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                if (log.Sequences[i] > after)
                {
                    changed.Add(c);
                    break;
                }
            }
        }

        return (log.Subset(changed), new EventsMark(log.MaxSequence() ?? since.Sequence, since.TraitsAt));
    }
}

/// <summary>
/// Changes read from the event store: one query for the changed customers' histories and traits
/// (<see cref="EventLogQuery.ChangedAfterSequence"/>), its cost set by what changed and the store's scan of new
/// rows, not by the whole log. <paramref name="use"/> runs work on the store the way its owner serialises access.
/// </summary>
public sealed class StoreEventChanges(Func<Func<IEventStore, object>, CancellationToken, Task<object>> use) : IEventChanges
{
    public async Task<EventsMark> MarkAsync(CancellationToken cancellationToken) =>
        (EventsMark)await use(Mark, cancellationToken).ConfigureAwait(false);

    public async Task<(EventLog Log, EventsMark Mark)> ChangedSinceAsync(IReadOnlySet<string> properties, EventsMark since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(since);
        return ((EventLog, EventsMark))await use(store =>
        {
            // The position first: whatever lands while the customers are read is after it, so the next call sees it.
            var mark = Mark(store);
            var log = store.Load(new EventLogQuery
            {
                Properties = [.. properties],
                ChangedAfterSequence = since.Sequence ?? long.MinValue,
                // No traits seen yet: any customer with traits now is new to the runner.
                ChangedTraitsSince = since.TraitsAt ?? DateTimeOffset.UnixEpoch,
            });
            return (log, new EventsMark(mark.Sequence ?? since.Sequence, mark.TraitsAt ?? since.TraitsAt));
        }, cancellationToken).ConfigureAwait(false);
    }

    private static EventsMark Mark(IEventStore store) => new(store.MaxSequence(), store.TraitsWatermark());
}
