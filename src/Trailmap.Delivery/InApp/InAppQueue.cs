namespace Trailmap.Delivery;

/// <summary>One in-app message waiting for (or read by) a customer. Texts are plain: escape them when showing them.</summary>
public sealed record InAppMessage(
    string Id, string RuleId, string CustomerId, string? Subject, string Message, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>
/// The in-app messages per customer, in the outbox's DuckDB file (table delivery_in_app), for the API to serve.
/// A message's id is its idempotency key, so queueing the same message twice keeps one.
/// </summary>
public sealed class InAppQueue(Outbox outbox)
{
    /// <summary>The customer's unread messages, oldest first.</summary>
    public IReadOnlyList<InAppMessage> Pending(string customerId) =>
        outbox.Database.Query(
            """
            SELECT id, rule_id, customer_id, subject, message, created_at, read_at FROM delivery_in_app
            WHERE customer_id = $customer AND read_at IS NULL ORDER BY created_at, id
            """,
            r => new InAppMessage(
                r.GetString(0), r.GetString(1), r.GetString(2), OutboxDatabase.StringOrNull(r, 3), r.GetString(4),
                OutboxDatabase.FromDb(r, 5), OutboxDatabase.FromDbOrNull(r, 6)),
            ("customer", customerId));

    /// <summary>Marks a message read; false when there is no unread message with that id.</summary>
    public bool MarkRead(string id) =>
        outbox.Database.Execute(
            "UPDATE delivery_in_app SET read_at = $now WHERE id = $id AND read_at IS NULL",
            ("id", id), ("now", OutboxDatabase.ToDb(outbox.Time.GetUtcNow()))) > 0;

    /// <summary>Adds the message unless its id is there already; true when added.</summary>
    internal bool Add(string id, string ruleId, string customerId, string? subject, string message) =>
        outbox.Database.Execute(
            """
            INSERT INTO delivery_in_app (id, rule_id, customer_id, subject, message, created_at)
            VALUES ($id, $rule, $customer, $subject, $message, $now) ON CONFLICT DO NOTHING
            """,
            ("id", id), ("rule", ruleId), ("customer", customerId), ("subject", subject), ("message", message),
            ("now", OutboxDatabase.ToDb(outbox.Time.GetUtcNow()))) == 1;
}
