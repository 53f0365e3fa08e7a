namespace Trailmap.Delivery;

/// One message to deliver. IdempotencyKey = "{ruleId}:{customerId}:{occurrence}" (occurrence identifies the trigger
/// instance, e.g. the triggering event's message id, or the start time of a quiet spell, or "step-3" of a sequence run).
public sealed record OutboxMessage(
    string IdempotencyKey, string RuleId, string CustomerId, Trailmap.Journeys.Model.InterventionAction Action,
    DateTimeOffset DueAt, IReadOnlyDictionary<string, string?> Data);   // Data: customer traits and trigger event properties, flattened ("customer.email", "event.plan")
