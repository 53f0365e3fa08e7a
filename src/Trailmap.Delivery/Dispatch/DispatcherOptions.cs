namespace Trailmap.Delivery;

public sealed record DispatcherOptions
{
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>How many due messages one <see cref="Dispatcher.RunOnceAsync(DateTimeOffset, CancellationToken)"/> claims. Default 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>
    /// How many messages of one channel are sent at once. Default 64. Each channel (email, webhook, Slack, in-app) has
    /// slots of its own, so a channel whose receivers hang never holds up another. It is also how many messages of a
    /// channel a crash can leave accepted but not yet recorded as sent, so the most that can be sent twice (per channel
    /// in use). A slot is held until the outcome is
    /// committed, so throughput is about Parallelism / (send time + time to the next group commit): with a 7 ms disk
    /// flush, 32 slots fell behind 1,000 webhooks a second on the shared test machine and 64 kept up.
    /// </summary>
    public int Parallelism { get; init; } = 64;

    /// <summary>
    /// How many of a channel's slots one destination may hold: the host and port of a webhook or Slack URL. Default
    /// 16. A receiver that hangs then holds at most this many slots for its timeout, and the channel's other slots keep
    /// serving the other receivers. Messages for a destination with no free slot wait (up to
    /// <see cref="BatchSize"/> of them in memory, the rest back in the outbox for <see cref="PollInterval"/>, with no
    /// attempt counted) while messages for other destinations pass them. Email and in-app messages have one
    /// destination each (the SMTP server, the workspace), limited by <see cref="Parallelism"/> alone.
    /// </summary>
    public int DestinationParallelism { get; init; } = 16;

    /// <summary>
    /// How long an outcome waits, while other sends are still out, before it is handed to the outbox's writer.
    /// Default zero: the writer already writes every outcome that arrived during its previous commit in one
    /// transaction (a group commit), so a wait only adds latency; raise it only if a very slow disk needs bigger groups.
    /// </summary>
    public TimeSpan RecordLinger { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The longest the loop (<see cref="Dispatcher.RunAsync"/>) sleeps when nothing is due. An enqueue in this process
    /// wakes it at once; this catches messages that fall due and rules that are resumed. Default 1 s.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When true, messages for a channel this dispatcher has no <see cref="IDeliveryChannel"/> for are not claimed:
    /// they stay pending, with no attempt counted, until a dispatcher with that channel runs (say, after SMTP is
    /// configured). Default false: such messages are retried and end as dead letters, which is right for a
    /// dispatcher that is expected to have every channel.
    /// </summary>
    public bool LeaveUnconfiguredPending { get; init; }
}

/// <summary>What one dispatch pass did.</summary>
public sealed record DispatchSummary(int Claimed, int Sent, int Retried, int Dead, int Suppressed)
{
    public static DispatchSummary Empty { get; } = new(0, 0, 0, 0, 0);

    public override string ToString() =>
        $"{Claimed} claimed: {Sent} sent, {Retried} to retry, {Dead} dead, {Suppressed} suppressed";
}
