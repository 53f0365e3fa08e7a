using System.Collections.Concurrent;
using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>
/// Drains the outbox: claims due messages, hands each to its channel and records what happened (sent, retry at a
/// later time, dead, suppressed). <see cref="RunOnceAsync(DateTimeOffset, CancellationToken)"/> is one pass;
/// <see cref="RunAsync"/> is the server's loop.
/// </summary>
public sealed class Dispatcher
{
    private readonly Outbox outbox;
    private readonly Dictionary<ActionChannel, IDeliveryChannel> channels;
    private readonly DispatcherOptions options;
    private readonly TimeProvider time;
    private readonly TestCrashHook crashHook = TestCrashHook.FromEnvironment();
    private int sending;

    public Dispatcher(Outbox outbox, IEnumerable<IDeliveryChannel> channels, DispatcherOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(channels);
        this.outbox = outbox;
        this.options = options ?? new DispatcherOptions();
        this.options.Retry.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.BatchSize, 1, nameof(DispatcherOptions.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.Parallelism, 1, nameof(DispatcherOptions.Parallelism));
        this.time = time ?? outbox.Time;
        this.channels = [];
        foreach (var channel in channels)
        {
            if (!this.channels.TryAdd(channel.Channel, channel))
            {
                throw new ArgumentException($"two channels for {channel.Channel}: pass one per kind", nameof(channels));
            }
        }
    }

    /// <summary>The channels whose messages a pass claims: all (null), or with <see cref="DispatcherOptions.LeaveUnconfiguredPending"/> only the configured ones.</summary>
    private IReadOnlyCollection<ActionChannel>? ClaimedChannels => options.LeaveUnconfiguredPending ? channels.Keys : null;

    /// <summary>One pass at the time provider's now.</summary>
    public Task<DispatchSummary> RunOnceAsync(CancellationToken cancellationToken = default) =>
        RunOnceAsync(time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// One pass: claims up to <see cref="DispatcherOptions.BatchSize"/> messages due at <paramref name="now"/> and
    /// sends them. Retry times count from <paramref name="now"/>; sent and finished times come from the time provider.
    /// </summary>
    public async Task<DispatchSummary> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var claimed = await outbox.ClaimAsync(now, options.BatchSize, ClaimedChannels).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return DispatchSummary.Empty;
        }

        var counts = new int[4];
        var finished = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        try
        {
            await Parallel.ForEachAsync(
                claimed,
                new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
                async (entry, ct) =>
                {
                    var outcome = await DeliverAsync(entry, now, ct).ConfigureAwait(false);
                    finished[entry.IdempotencyKey] = true;
                    Interlocked.Increment(ref counts[(int)outcome]);
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-pass: claims not finished go back to pending so the next start sends them.
            await outbox.ReleaseAsync(claimed.Where(e => !finished.ContainsKey(e.IdempotencyKey)).Select(e => e.IdempotencyKey).ToList())
                .ConfigureAwait(false);
            throw;
        }

        return new DispatchSummary(
            claimed.Count,
            counts[(int)DeliveryOutcome.Sent],
            counts[(int)DeliveryOutcome.Retry],
            counts[(int)DeliveryOutcome.Failed],
            counts[(int)DeliveryOutcome.Suppressed]);
    }

    /// <summary>
    /// Dispatches until <paramref name="cancellationToken"/> is cancelled, as a pipeline rather than in passes: up to
    /// <see cref="DispatcherOptions.Parallelism"/> sends are out at any time, and while they are, the next claim
    /// (up to <see cref="DispatcherOptions.BatchSize"/> messages waiting) is already being written, so a slot that
    /// frees up is refilled at once instead of at the end of a pass. When nothing is due it sleeps until the next
    /// message falls due, an enqueue in this process arrives, or <see cref="DispatcherOptions.PollInterval"/>
    /// passes. Returns normally when cancelled; claims not yet sent go back to pending.
    /// </summary>
#pragma warning disable VSTHRD003 // Every task awaited here was started by this method (sends, claims, the sleep).
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var ready = new Queue<OutboxEntry>();
        var sends = new List<Task<string?>>();
        Task<List<OutboxEntry>>? claiming = null;
        var asked = 0;
        // True after a claim found fewer due messages than it asked for: no point claiming again until an enqueue
        // wrote pending messages, the next message falls due, or the poll interval passes.
        var drained = false;
        DateTimeOffset? nextDue = null;
        Task? sleep = null;
        var unfinished = new List<string>();
        // Fresh due messages come through the handoff, already claimed by their enqueue (see DispatchHandoff).
        // 4,096 handed-over messages may wait: four seconds at 1,000 a second, so a stall of the disk or the receiver
        // does not push fresh messages onto the slower claim path (a few megabytes at most).
        var handoff = new DispatchHandoff(Math.Max(4096, options.BatchSize), ClaimedChannels);
        var attached = outbox.Attach(handoff);
        var claimSignal = outbox.Enqueued;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Taken before looking at the handoff, so an enqueue after the look wakes the wait below.
            var signal = outbox.Enqueued;
            for (var i = sends.Count - 1; i >= 0; i--)
            {
                if (sends[i].IsCompleted)
                {
                    if (await sends[i].ConfigureAwait(false) is { } key)
                    {
                        unfinished.Add(key);
                    }

                    sends.RemoveAt(i);
                }
            }

            if (claiming is { IsCompleted: true })
            {
                var got = await claiming.ConfigureAwait(false);
                claiming = null;
                got.ForEach(ready.Enqueue);
                drained = got.Count < asked;
                nextDue = drained ? outbox.NextDue(ClaimedChannels) : null;
                if (drained)
                {
                    // Nothing due is left in the table, so messages handed over from now on overtake nobody.
                    handoff.Reopen();
                }
            }

            var now = time.GetUtcNow();
            var claimWanted = attached ? handoff.TakeClaimRequest() : claimSignal.IsCompleted;
            if (drained && (claimWanted || nextDue <= now || sleep is { IsCompleted: true }))
            {
                drained = false;
            }

            if (claiming is null && !drained && ready.Count < options.BatchSize)
            {
                claimSignal = outbox.Enqueued;
                asked = options.BatchSize - ready.Count;
                claiming = outbox.ClaimAsync(now, asked, ClaimedChannels);
            }

            // Handed-over messages first: once the handoff closes for a backlog, it holds the oldest messages, and the
            // claims bring the backlog after them in order. (Retries, claimed too, wait for a gap in fresh messages.)
            while (sends.Count < options.Parallelism && (handoff.TryTake(out var next) || ready.TryDequeue(out next)))
            {
                sends.Add(SendInLoopAsync(next, cancellationToken));
            }

            var waits = new List<Task>(4) { signal };
            if (claiming is not null)
            {
                waits.Add(claiming);
            }

            if (sends.Count > 0)
            {
                waits.Add(Task.WhenAny(sends));
            }

            if (drained && claiming is null)
            {
                // One timer per sleep, not per wake-up: the loop wakes at every finished send and every enqueue.
                if (sleep is null)
                {
                    var wait = options.PollInterval;
                    if (nextDue is { } next && next - now < wait)
                    {
                        wait = next - now;
                    }

                    sleep = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, cancellationToken);
                }

                waits.Add(sleep);
            }
            else
            {
                sleep = null;
            }

            try
            {
                await Task.WhenAny(waits).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The delay was cancelled: the loop condition ends the run.
            }
        }

        // Stopping: sends see the token and give up; what they did not finish, what was claimed or handed over and
        // never started, goes back to pending, in one statement.
        if (attached)
        {
            await outbox.DetachAsync(handoff).ConfigureAwait(false);
            while (handoff.TryTake(out var left))
            {
                ready.Enqueue(left);
            }

        }

        foreach (var send in sends)
        {
            if (await send.ConfigureAwait(false) is { } key)
            {
                unfinished.Add(key);
            }
        }

        if (claiming is not null)
        {
            (await claiming.ConfigureAwait(false)).ForEach(ready.Enqueue);
        }

        unfinished.AddRange(ready.Select(e => e.IdempotencyKey));
        await outbox.ReleaseAsync(unfinished).ConfigureAwait(false);
    }
#pragma warning restore VSTHRD003

    /// <summary>One send of the loop; returns the key if the run was stopped before its outcome was known.</summary>
    private async Task<string?> SendInLoopAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(entry, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return entry.IdempotencyKey;
        }
    }

    private async Task<DeliveryOutcome> DeliverAsync(OutboxEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DeliveryResult result;
        if (!channels.TryGetValue(entry.Action.Channel, out var channel))
        {
            // A configuration gap, not the message's fault: retried, so it goes out once the channel is configured.
            result = DeliveryResult.Retry($"no {entry.Action.Channel} channel is configured in this dispatcher");
        }
        else
        {
            Interlocked.Increment(ref sending);
            try
            {
                result = await channel.SendAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                result = DeliveryResult.Retry($"{entry.Action.Channel} channel failed: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                Interlocked.Decrement(ref sending);
            }
        }

        if (result.Outcome == DeliveryOutcome.Sent)
        {
            crashHook.AfterAccepted();
        }

        // Optional (off by default): the outbox's writer already groups every outcome that arrives while it commits,
        // so waiting here only adds latency, unless a slow disk wants yet bigger groups. Wall-clock on purpose (not
        // the TimeProvider): it is about the disk, not about the schedule.
        if (Volatile.Read(ref sending) > 0 && options.RecordLinger > TimeSpan.Zero)
        {
            await Task.Delay(options.RecordLinger, CancellationToken.None).ConfigureAwait(false);
        }

        switch (result.Outcome)
        {
            case DeliveryOutcome.Sent:
                await outbox.RecordAsync(Outbox.Outcome.Sent(entry.IdempotencyKey, result.Detail, time.GetUtcNow())).ConfigureAwait(false);
                return DeliveryOutcome.Sent;
            case DeliveryOutcome.Suppressed:
                await outbox.RecordAsync(Outbox.Outcome.Suppressed(entry.IdempotencyKey, result.Detail, time.GetUtcNow())).ConfigureAwait(false);
                return DeliveryOutcome.Suppressed;
            case DeliveryOutcome.Failed:
                await outbox.RecordAsync(Outbox.Outcome.Dead(entry.IdempotencyKey, "permanent failure: " + result.Detail, time.GetUtcNow())).ConfigureAwait(false);
                return DeliveryOutcome.Failed;
            default:
                if (entry.Attempts >= options.Retry.MaxAttempts)
                {
                    await outbox.RecordAsync(Outbox.Outcome.Dead(
                        entry.IdempotencyKey,
                        $"gave up after {entry.Attempts} attempts; last error: {result.Detail}",
                        time.GetUtcNow())).ConfigureAwait(false);
                    return DeliveryOutcome.Failed;
                }

                await outbox.RecordAsync(Outbox.Outcome.Retry(
                    entry.IdempotencyKey, result.Detail, now + options.Retry.DelayAfter(entry.Attempts, result.RetryAfter))).ConfigureAwait(false);
                return DeliveryOutcome.Retry;
        }
    }
}
