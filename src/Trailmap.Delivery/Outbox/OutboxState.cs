namespace Trailmap.Delivery;

/// <summary>Where a message is in its life: pending -> sending -> sent | dead | suppressed (sending -> pending on retry).</summary>
public enum OutboxState
{
    /// <summary>Waiting for its next attempt time (or for its rule to be resumed).</summary>
    Pending,
    /// <summary>Claimed by a running dispatcher (in the batch it is sending now); left over after a crash, it goes back to pending on open.</summary>
    Sending,
    /// <summary>The channel accepted it; <see cref="OutboxEntry.Receipt"/> says how.</summary>
    Sent,
    /// <summary>Given up on: a permanent failure or too many attempts; <see cref="OutboxEntry.LastError"/> says why.</summary>
    Dead,
    /// <summary>Not sent because the recipient unsubscribed.</summary>
    Suppressed,
}

internal static class OutboxStates
{
    public static string ToDb(this OutboxState state) => state switch
    {
        OutboxState.Pending => "pending",
        OutboxState.Sending => "sending",
        OutboxState.Sent => "sent",
        OutboxState.Dead => "dead",
        OutboxState.Suppressed => "suppressed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static OutboxState FromDb(string value) => value switch
    {
        "pending" => OutboxState.Pending,
        "sending" => OutboxState.Sending,
        "sent" => OutboxState.Sent,
        "dead" => OutboxState.Dead,
        "suppressed" => OutboxState.Suppressed,
        _ => throw new InvalidDataException($"unknown outbox state '{value}' in delivery_outbox.state"),
    };
}
