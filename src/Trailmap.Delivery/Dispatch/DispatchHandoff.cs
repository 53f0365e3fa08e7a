using System.Collections.Concurrent;
using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>
/// How a running <see cref="Dispatcher.RunAsync"/> loop gets freshly enqueued messages without claiming them: an
/// enqueue of a message that is due now (rule not paused) writes it straight as <c>sending</c>, in the same
/// transaction as the insert, and hands the entry over here once that is committed. That saves the claim query (a
/// scan of the table and an UPDATE, the costliest statement of the outbox) for every fresh message; claims remain for
/// retries, resumed rules, messages due later, and whatever did not fit.
/// </summary>
/// <remarks>
/// A message handed over is in exactly the state a claimed one is, so crash safety is unchanged: left in
/// <c>sending</c> by a crash, it goes back to pending on open. At most <see cref="Capacity"/> entries wait here
/// (memory: about a kilobyte each); beyond that an enqueue writes messages as pending and calls
/// <see cref="RequestClaim"/>, and the loop claims them in order before anything is handed over again.
/// </remarks>
internal sealed class DispatchHandoff(int capacity, IReadOnlyCollection<ActionChannel>? channels = null)
{
    private readonly ConcurrentQueue<OutboxEntry> entries = new();
    private readonly HashSet<ActionChannel>? accepted = channels?.ToHashSet();
    private int held;
    private int needsClaim;

    public int Capacity { get; } = capacity;

    /// <summary>
    /// Whether the loop claims messages of <paramref name="channel"/> (all, unless the dispatcher leaves unconfigured
    /// channels pending, see <see cref="DispatcherOptions.LeaveUnconfiguredPending"/>). An enqueue hands over only
    /// these: any other message stays pending, with no attempt counted, for a dispatcher that has its channel.
    /// </summary>
    public bool Accepts(ActionChannel channel) => accepted is null || accepted.Contains(channel);

    /// <summary>
    /// Reserves room for one more entry (on the writer thread, before the insert); false when full or closed.
    /// Closed from the first message that had to be written as pending until a claim finds the backlog empty: a
    /// message handed over meanwhile would overtake the older ones waiting in the table (first in, first out).
    /// Closed at the start too, until the first claim has taken what was waiting from before.
    /// </summary>
    public bool TryReserve()
    {
        if (Volatile.Read(ref closed) == 1 || Volatile.Read(ref held) >= Capacity)
        {
            return false;
        }

        Interlocked.Increment(ref held);
        return true;
    }

    /// <summary>Gives back reservations whose transaction was rolled back.</summary>
    public void Unreserve(int count) => Interlocked.Add(ref held, -count);

    /// <summary>Hands over entries whose insert is committed.</summary>
    public void Add(IEnumerable<OutboxEntry> committed)
    {
        foreach (var entry in committed)
        {
            entries.Enqueue(entry);
        }
    }

    /// <summary>Takes the oldest handed-over entry (the loop, when a send slot is free), freeing its room.</summary>
    public bool TryTake(out OutboxEntry entry)
    {
        if (!entries.TryDequeue(out entry!))
        {
            return false;
        }

        Interlocked.Decrement(ref held);
        return true;
    }

    /// <summary>
    /// Set by an enqueue that wrote pending messages (full, closed, paused rule, or due later): the loop must claim.
    /// <paramref name="backlog"/> (a due message that did not fit) also closes the handoff.
    /// </summary>
    public void RequestClaim(bool backlog)
    {
        if (backlog)
        {
            Volatile.Write(ref closed, 1);
        }

        Volatile.Write(ref needsClaim, 1);
    }

    /// <summary>A claim found fewer due messages than it asked for: nothing older waits, hand over again.</summary>
    public void Reopen() => Volatile.Write(ref closed, 0);

    private int closed = 1;

    /// <summary>True once after <see cref="RequestClaim"/>.</summary>
    public bool TakeClaimRequest() => Interlocked.Exchange(ref needsClaim, 0) == 1;
}
