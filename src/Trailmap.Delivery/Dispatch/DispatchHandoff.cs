using System.Collections.Concurrent;

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
/// <c>sending</c> by a crash, it goes back to pending on open. At most <see cref="Capacity"/> entries wait here; beyond
/// that an enqueue writes messages as pending and calls <see cref="RequestClaim"/>.
/// </remarks>
internal sealed class DispatchHandoff(int capacity)
{
    private readonly ConcurrentQueue<OutboxEntry> entries = new();
    private int held;
    private int needsClaim;

    public int Capacity { get; } = capacity;

    /// <summary>Reserves room for one more entry (on the writer thread, before the insert); false when full.</summary>
    public bool TryReserve()
    {
        if (Volatile.Read(ref held) >= Capacity)
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

    /// <summary>Moves up to <paramref name="max"/> handed-over entries into the loop's queue, freeing their room.</summary>
    public void TakeInto(Queue<OutboxEntry> ready, int max)
    {
        for (var i = 0; i < max && entries.TryDequeue(out var entry); i++)
        {
            ready.Enqueue(entry);
            Interlocked.Decrement(ref held);
        }
    }

    /// <summary>Set by an enqueue that wrote pending messages (full, paused rule, or due later): the loop must claim.</summary>
    public void RequestClaim() => Volatile.Write(ref needsClaim, 1);

    /// <summary>True once after <see cref="RequestClaim"/>.</summary>
    public bool TakeClaimRequest() => Interlocked.Exchange(ref needsClaim, 0) == 1;
}
