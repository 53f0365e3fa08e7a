namespace Trailmap.Delivery;

public sealed record DispatcherOptions
{
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>How many due messages one <see cref="Dispatcher.RunOnceAsync(DateTimeOffset, CancellationToken)"/> claims. Default 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>
    /// How many messages are sent at once. Default 64. It is also how many messages a crash can leave accepted by a
    /// channel but not yet recorded as sent, so the most that can be sent twice. A slot is held until the outcome is
    /// committed, so throughput is about Parallelism / (send time + time to the next group commit): with a 7 ms disk
    /// flush, 32 slots fell behind 1,000 webhooks a second on the shared test machine and 64 kept up.
    /// </summary>
    public int Parallelism { get; init; } = 64;

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
