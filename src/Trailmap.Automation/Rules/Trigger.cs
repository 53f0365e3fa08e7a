namespace Trailmap.Automation.Rules;

/// <summary>
/// One firing of a rule for one customer: an intervention's condition, or one step of a sequence run.
/// <see cref="Occurrence"/> is derived from history alone (the triggering event's time, the start of a quiet spell,
/// the run and step), so evaluating the same history again yields the same key and delivery can be idempotent.
/// </summary>
public sealed record Trigger(string RuleId, string CustomerId, DateTimeOffset At, string Occurrence)
{
    /// <summary>The sequence step (1-based, in file order) this firing sends; null for an intervention.</summary>
    public int? Step { get; init; }

    /// <summary>When the sequence run this step belongs to started; null for an intervention.</summary>
    public DateTimeOffset? EnrolledAt { get; init; }

    /// <summary>The loaded properties of the event that fired the rule (event conditions only).</summary>
    public IReadOnlyDictionary<string, object?>? EventProperties { get; init; }

    /// <summary>The delivery key: <c>{ruleId}:{customerId}:{occurrence}</c>, the same for the same firing every time.</summary>
    public string IdempotencyKey => $"{RuleId}:{CustomerId}:{Occurrence}";
}
