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
        var claimed = outbox.Claim(now, options.BatchSize, ClaimedChannels);
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
            foreach (var entry in claimed.Where(e => !finished.ContainsKey(e.IdempotencyKey)))
            {
                outbox.Release(entry.IdempotencyKey);
            }

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
    /// Dispatches until <paramref name="cancellationToken"/> is cancelled: passes back to back while messages are
    /// due, else sleeps until the next one falls due, an enqueue arrives, or <see cref="DispatcherOptions.PollInterval"/>
    /// passes. Returns normally when cancelled.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Taken before the pass so an enqueue during it is not missed.
            var enqueued = outbox.Enqueued;
            DispatchSummary summary;
            try
            {
                summary = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (summary.Claimed == options.BatchSize)
            {
                continue;
            }

            var wait = options.PollInterval;
            if (outbox.NextDue(ClaimedChannels) is { } next)
            {
                var untilNext = next - time.GetUtcNow();
                if (untilNext <= TimeSpan.Zero)
                {
                    continue;
                }

                wait = untilNext < wait ? untilNext : wait;
            }

            try
            {
                await Task.WhenAny(enqueued, Task.Delay(wait, time, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
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

        // While other sends are still out, wait a moment so their outcomes share this one's commit: a commit costs a
        // disk flush (milliseconds), and one per message would cap throughput at the disk's flushes per second.
        // Wall-clock on purpose (not the TimeProvider): it is about the disk, not about the schedule.
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
