using Trailmap.Web.State;

namespace Trailmap.Web.Interventions;

/// <summary>How many of one rule's messages are in each outbox state.</summary>
public sealed record RuleCounts(long Pending, long Sending, long Sent, long Dead, long Suppressed)
{
    public static readonly RuleCounts None = new(0, 0, 0, 0, 0);

    public long Total => Pending + Sending + Sent + Dead + Suppressed;
}

/// <summary>
/// Outbox counts per rule and state. The outbox answers only workspace-wide counts, and listing every sent message
/// to count it would read each one's JSON, so this groups in SQL on the workspace's own connection to the same file
/// (the outbox's tables live there; the constructor takes the outbox so they exist before the first query).
/// </summary>
public sealed class OutboxCounts
{
    private readonly WorkspaceDb db;

    public OutboxCounts(WorkspaceDb db, Trailmap.Delivery.Outbox outbox)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        this.db = db;
    }

    /// <summary>
    /// The counts of <paramref name="journeySlug"/>'s rules, by rule id: the outbox names a running rule
    /// <c>{journey}/{rule}</c> (<see cref="Trailmap.Delivery.RuleKeys"/>), so two journeys made from one template each
    /// count only their own messages.
    /// </summary>
    public IReadOnlyDictionary<string, RuleCounts> ByRule(string journeySlug)
    {
        var prefix = journeySlug + Trailmap.Delivery.RuleKeys.Separator;
        var rows = db.Query(
            "SELECT substr(rule_id, $from), state, count(*) FROM delivery_outbox WHERE starts_with(rule_id, $prefix) GROUP BY rule_id, state",
            r => (Rule: r.GetString(0), State: r.GetString(1), Count: r.GetInt64(2)),
            ("prefix", prefix), ("from", (long)prefix.Length + 1));
        var counts = new Dictionary<string, RuleCounts>(StringComparer.Ordinal);
        foreach (var (rule, state, n) in rows)
        {
            var c = counts.GetValueOrDefault(rule, RuleCounts.None);
            counts[rule] = state switch
            {
                "pending" => c with { Pending = n },
                "sending" => c with { Sending = n },
                "sent" => c with { Sent = n },
                "dead" => c with { Dead = n },
                "suppressed" => c with { Suppressed = n },
                _ => c,
            };
        }

        return counts;
    }
}
