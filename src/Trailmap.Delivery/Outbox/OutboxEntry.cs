using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>One row of the outbox: the message and what has happened to it so far.</summary>
public sealed record OutboxEntry(
    string IdempotencyKey,
    string RuleId,
    string CustomerId,
    InterventionAction Action,
    DateTimeOffset DueAt,
    IReadOnlyDictionary<string, string?> Data,
    OutboxState State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset EnqueuedAt,
    string? LastError,
    string? Receipt,
    DateTimeOffset? SentAt,
    DateTimeOffset? FinishedAt)
{
    public OutboxMessage ToMessage() => new(IdempotencyKey, RuleId, CustomerId, Action, DueAt, Data);
}

/// <summary>What <see cref="Outbox.Enqueue"/> did: added the message, or found its key already there (a no-op).</summary>
/// <param name="IdempotencyKey">The message's key.</param>
/// <param name="Added">True when this call added it; false when the key was there already.</param>
/// <param name="State">The message's state now: <see cref="OutboxState.Pending"/> when just added, else the earlier copy's.</param>
public sealed record EnqueueResult(string IdempotencyKey, bool Added, OutboxState State)
{
    public bool Duplicate => !Added;

    public override string ToString() =>
        Added ? $"{IdempotencyKey}: enqueued" : $"{IdempotencyKey}: already in the outbox ({State.ToDb()}), nothing enqueued";
}

/// <summary>One message of a rule, as <see cref="Outbox.MessagesOf"/> lists it.</summary>
public sealed record RuleMessage(string IdempotencyKey, string RuleId, string CustomerId, DateTimeOffset DueAt);

/// <summary>A rule whose messages are held (not sent) until it is resumed.</summary>
public sealed record PausedRule(string RuleId, DateTimeOffset PausedSince);
