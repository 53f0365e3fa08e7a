namespace Trailmap.Delivery;

/// <summary>
/// How the running rules name a rule in the outbox: <c>{journeyId}/{ruleId}</c>. Rule ids are unique within a
/// journey only (two journeys made from one template share them), so the outbox's rule id, and with it every
/// message key (<c>{journeyId}/{ruleId}:{customerId}:{occurrence}</c>) and every pause, carries the journey. Journey
/// and rule ids use letters, digits, '-' and '_' only, so the '/' is unambiguous.
/// </summary>
public static class RuleKeys
{
    public const char Separator = '/';

    /// <summary>The outbox's rule id for <paramref name="ruleId"/> of <paramref name="journeyId"/>.</summary>
    public static string Qualify(string journeyId, string ruleId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(journeyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(ruleId);
        return journeyId + Separator + ruleId;
    }

    /// <summary>
    /// The journey and the rule of an outbox rule id; the journey is null for a rule id without one (a message
    /// enqueued directly, not by the running rules, or one from before rule ids were per journey that no journey owned).
    /// </summary>
    public static (string? JourneyId, string RuleId) Split(string outboxRuleId)
    {
        ArgumentNullException.ThrowIfNull(outboxRuleId);
        var at = outboxRuleId.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? (null, outboxRuleId) : (outboxRuleId[..at], outboxRuleId[(at + 1)..]);
    }
}
