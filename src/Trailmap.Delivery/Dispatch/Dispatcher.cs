using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
    private readonly int[] tally = new int[5];
    private int sending;

    /// <summary>How often the loop logs what it delivered (at Information), when it delivered anything.</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where outcomes go: a summary per pass (<see cref="RunOnceAsync(DateTimeOffset, CancellationToken)"/>) or per
    /// <see cref="SummaryInterval"/> (<see cref="RunAsync"/>) at Information, each dead letter at Warning with its
    /// reason, each message at Debug. Default: nowhere.
    /// </summary>
    public ILogger Log { get; init; } = NullLogger.Instance;

    public Dispatcher(Outbox outbox, IEnumerable<IDeliveryChannel> channels, DispatcherOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(channels);
        this.outbox = outbox;
        this.options = options ?? new DispatcherOptions();
        this.options.Retry.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.BatchSize, 1, nameof(DispatcherOptions.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.Parallelism, 1, nameof(DispatcherOptions.Parallelism));
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.DestinationParallelism, 1, nameof(DispatcherOptions.DestinationParallelism));
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
        // Each channel sends with slots of its own, and each destination host waits on its own gate, so a receiver
        // that hangs delays only its own messages (see SendLanes).
        var gates = new ConcurrentDictionary<string, SemaphoreSlim>(StringComparer.Ordinal);
        try
        {
            await Task.WhenAll(claimed.GroupBy(e => e.Action.Channel).Select(channel => Parallel.ForEachAsync(
                channel,
                new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
                async (entry, ct) =>
                {
                    var gate = SendLanes.Destination(entry) is { } destination
                        ? gates.GetOrAdd(destination, _ => new SemaphoreSlim(options.DestinationParallelism))
                        : null;
                    if (gate is not null)
                    {
                        await gate.WaitAsync(ct).ConfigureAwait(false);
                    }

                    try
                    {
                        var outcome = await DeliverAsync(entry, now, ct).ConfigureAwait(false);
                        finished[entry.IdempotencyKey] = true;
                        Interlocked.Increment(ref counts[(int)outcome]);
                    }
                    finally
                    {
                        gate?.Release();
                    }
                }))).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-pass: claims not finished go back to pending so the next start sends them.
            await outbox.ReleaseAsync(claimed.Where(e => !finished.ContainsKey(e.IdempotencyKey)).Select(e => e.IdempotencyKey).ToList())
                .ConfigureAwait(false);
            throw;
        }
        finally
        {
            foreach (var gate in gates.Values)
            {
                gate.Dispose();
            }
        }

        LogSummary("Delivery pass");
        return new DispatchSummary(
            claimed.Count,
            counts[(int)DeliveryOutcome.Sent],
            counts[(int)DeliveryOutcome.Retry],
            counts[(int)DeliveryOutcome.Failed],
            counts[(int)DeliveryOutcome.Suppressed]);
    }

    /// <summary>
    /// Dispatches until <paramref name="cancellationToken"/> is cancelled, as a pipeline rather than in passes: up to
    /// <see cref="DispatcherOptions.Parallelism"/> sends per channel are out at any time (at most
    /// <see cref="DispatcherOptions.DestinationParallelism"/> of them to one host), and while they are, the next claim
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
        // Sends the stop cut off mid-way: the receiver may have the message, so giving them back counts the attempt.
        var interrupted = new List<string>();
        var lanes = new SendLanes(options.Parallelism, options.DestinationParallelism);
        // Messages whose channel or destination had no free slot when their turn came, by lane, oldest first: they go
        // as soon as their lane frees up, while messages of other lanes pass them. Bounded, see Park.
        var parked = new Dictionary<string, Queue<OutboxEntry>>(StringComparer.Ordinal);
        var parkedCount = 0;
        var parkLimit = Math.Max(4096, options.BatchSize);
        // Fresh due messages come through the handoff, already claimed by their enqueue (see DispatchHandoff).
        // 4,096 handed-over messages may wait: four seconds at 1,000 a second, so a stall of the disk or the receiver
        // does not push fresh messages onto the slower claim path (a few megabytes at most).
        var handoff = new DispatchHandoff(Math.Max(4096, options.BatchSize), ClaimedChannels);
        var attached = outbox.Attach(handoff);
        var claimSignal = outbox.Enqueued;
        var lastSummary = Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Stopwatch.GetElapsedTime(lastSummary) >= SummaryInterval)
            {
                // Wall-clock on purpose: it paces the log, not the schedule.
                lastSummary = Stopwatch.GetTimestamp();
                LogSummary("Delivery");
            }

            // Taken before looking at the handoff, so an enqueue after the look wakes the wait below.
            var signal = outbox.Enqueued;
            for (var i = sends.Count - 1; i >= 0; i--)
            {
                if (sends[i].IsCompleted)
                {
                    if (await sends[i].ConfigureAwait(false) is { } key)
                    {
                        interrupted.Add(key);
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

            // Handed-over messages first: once the handoff closes for a backlog, it holds the oldest messages, and the
            // claims bring the backlog after them in order. (Retries, claimed too, wait for a gap in fresh messages.)
            foreach (var lane in parked.Values)
            {
                while (lane.TryPeek(out var waiting) && lanes.TryEnter(waiting))
                {
                    lane.Dequeue();
                    parkedCount--;
                    sends.Add(SendInLoopAsync(waiting, lanes, cancellationToken));
                }
            }

            var busy = new List<string>();
            while (parkedCount < parkLimit && (handoff.TryTake(out var next) || ready.TryDequeue(out next)))
            {
                var lane = Lane(next);
                if ((!parked.TryGetValue(lane, out var waiting) || waiting.Count == 0) && lanes.TryEnter(next))
                {
                    sends.Add(SendInLoopAsync(next, lanes, cancellationToken));
                }
                else if (waiting is null || waiting.Count < options.BatchSize)
                {
                    if (waiting is null)
                    {
                        parked[lane] = waiting = new Queue<OutboxEntry>();
                    }

                    waiting.Enqueue(next);
                    parkedCount++;
                }
                else
                {
                    // Its lane is full and a batch already waits for it: back to the table for a while, no attempt
                    // counted, so one slow receiver's backlog neither fills memory nor holds up the others.
                    busy.Add(next.IdempotencyKey);
                }
            }

            if (busy.Count > 0)
            {
                await outbox.DeferAsync(busy, now + options.PollInterval).ConfigureAwait(false);
            }

            // After the sends started: messages that went to a send slot or a destination's queue left room to claim
            // more at once, not only after a send finishes (which, with a receiver that hangs, may be its timeout).
            if (claiming is null && !drained && ready.Count < options.BatchSize)
            {
                claimSignal = outbox.Enqueued;
                asked = options.BatchSize - ready.Count;
                claiming = outbox.ClaimAsync(now, asked, ClaimedChannels);
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

        // Stopping: sends see the token and give up; what they did not finish (attempt counted), what was claimed or
        // handed over and never started (no attempt), goes back to pending.
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
                interrupted.Add(key);
            }
        }

        if (claiming is not null)
        {
            (await claiming.ConfigureAwait(false)).ForEach(ready.Enqueue);
        }

        unfinished.AddRange(ready.Select(e => e.IdempotencyKey));
        unfinished.AddRange(parked.Values.SelectMany(q => q).Select(e => e.IdempotencyKey));
        await outbox.ReleaseAsync(interrupted, countAttempt: true).ConfigureAwait(false);
        await outbox.ReleaseAsync(unfinished).ConfigureAwait(false);
        LogSummary("Delivery");
        if (unfinished.Count + interrupted.Count > 0)
        {
            Log.LogInformation(
                "Delivery stopped: {Count} claimed messages not sent went back to pending, and {Interrupted} sends cut off mid-way (their attempt counts: the receiver may have them)",
                unfinished.Count, interrupted.Count);
        }
    }

    /// <summary>Logs and resets the counts since the last summary, if anything happened.</summary>
    private void LogSummary(string what)
    {
        var n = new int[tally.Length];
        for (var i = 0; i < n.Length; i++)
        {
            n[i] = Interlocked.Exchange(ref tally[i], 0);
        }

        if (n.Sum() - n[Redelivered] > 0)
        {
            Log.LogInformation(
                "{What}: {Sent} sent, {Retried} to retry, {Dead} dead, {Suppressed} suppressed; {Redelivered} of them were later attempts (marked as redeliveries)",
                what, n[(int)DeliveryOutcome.Sent], n[(int)DeliveryOutcome.Retry], n[(int)DeliveryOutcome.Failed], n[(int)DeliveryOutcome.Suppressed], n[Redelivered]);
        }
    }

    private const int Redelivered = 4;
#pragma warning restore VSTHRD003

    /// <summary>The queue a message waits in when its slots are taken: its destination, else its channel.</summary>
    private static string Lane(OutboxEntry entry) => SendLanes.Destination(entry) ?? entry.Action.Channel.ToString();

    /// <summary>One send of the loop (holding its lane's slot); returns the key if the run was stopped before its outcome was known.</summary>
    private async Task<string?> SendInLoopAsync(OutboxEntry entry, SendLanes lanes, CancellationToken cancellationToken)
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
        finally
        {
            lanes.Leave(entry);
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

        var final = result.Outcome == DeliveryOutcome.Retry && entry.Attempts >= options.Retry.MaxAttempts ? DeliveryOutcome.Failed : result.Outcome;
        Interlocked.Increment(ref tally[(int)final]);
        if (Redelivery.IsRedelivery(entry))
        {
            Interlocked.Increment(ref tally[Redelivered]);
        }

        if (final == DeliveryOutcome.Failed)
        {
            Log.LogWarning("Delivery: {Key} ({Channel}) is a dead letter after attempt {Attempt}: {Detail}", entry.IdempotencyKey, entry.Action.Channel, entry.Attempts, result.Detail);
        }
        else
        {
            Log.LogDebug("Delivery: {Key} ({Channel}) attempt {Attempt}: {Outcome}: {Detail}", entry.IdempotencyKey, entry.Action.Channel, entry.Attempts, result.Outcome, result.Detail);
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
