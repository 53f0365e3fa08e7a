using Trailmap.Automation.Rules;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Planning;

/// <summary>
/// One message the automation will send: the same fields as the delivery outbox's message (the integration maps one
/// to the other) plus the trigger it answers. <see cref="Data"/> holds the customer's traits and the trigger event's
/// properties, flattened as <c>customer.email</c> and <c>event.plan</c>.
/// </summary>
public sealed record PlannedMessage(
    string IdempotencyKey,
    string RuleId,
    string CustomerId,
    InterventionAction Action,
    DateTimeOffset DueAt,
    IReadOnlyDictionary<string, string?> Data)
{
    public required Trigger Trigger { get; init; }

    /// <summary>True when quiet hours or a rule's resume moved the message past its trigger time.</summary>
    public bool Delayed => DueAt > Trigger.At;
}

/// <summary>What the planner did with one trigger.</summary>
public enum PlanOutcome
{
    /// <summary>A message is planned (possibly delayed by quiet hours or a resume).</summary>
    Planned,

    /// <summary>The customer is in the rule's holdout: recorded, never messaged.</summary>
    HeldOut,

    /// <summary>The frequency cap was reached: no message.</summary>
    Capped,

    /// <summary>The trigger fired while its rule was paused and the rule says <c>on_resume: skip</c>.</summary>
    SkippedOverdue,
}

/// <summary>One trigger and its outcome; <see cref="Message"/> is set when it was planned.</summary>
public sealed record PlanDecision(Trigger Trigger, PlanOutcome Outcome, PlannedMessage? Message);

/// <summary>A message already sent to a customer, counted by the frequency cap.</summary>
public sealed record SentMessage(string CustomerId, DateTimeOffset SentAt);
