using Trailmap.Delivery;
using Trailmap.Journeys.Model;

namespace Trailmap.Web.Insights;

/// <summary>A message of the journey's rules to one customer, as the customer page lists it.</summary>
public sealed record CustomerMessage(DateTimeOffset Due, string RuleId, string RuleName, string Channel, string What, string State, string Outcome);

/// <summary>
/// The messages the journey's rules sent or queued for a customer, read from the outbox (which owns them) with its
/// per-customer query over every id of the person, or every member of an account.
/// </summary>
public static class CustomerMessages
{
    /// <summary>How many messages the customer page lists, latest due first.</summary>
    public const int Shown = 100;

    public static IReadOnlyList<CustomerMessage> For(Outbox outbox, string journeySlug, Journey journey, IReadOnlyCollection<string> ids)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(journey);
        var names = journey.Interventions.Select(i => (i.Id, i.Name)).Concat(journey.Sequences.Select(q => (q.Id, q.Name)))
            .GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var prefix = journeySlug.Length + 1;
        return [.. outbox.ForCustomer(ids, journeySlug, Shown).Select(e =>
        {
            var rule = e.RuleId.Length > prefix ? e.RuleId[prefix..] : e.RuleId;
            return new CustomerMessage(
                e.DueAt, rule, names.GetValueOrDefault(rule, rule), Formats.Kebab(e.Action.Channel),
                e.Action.Subject ?? e.Action.Template ?? e.Action.Message ?? "", Formats.Kebab(e.State), Outcome(e));
        })];
    }

    /// <summary>What became of the message, in words: when it was sent, or why not yet or not at all.</summary>
    public static string Outcome(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.State switch
        {
            OutboxState.Sent => (entry.SentAt is { } at ? "sent " + Formats.When(at) : "sent") + (entry.Receipt is { Length: > 0 } r ? " (" + r + ")" : ""),
            OutboxState.Pending when entry.LastError is { } error => $"waiting to retry after {entry.Attempts} attempt{(entry.Attempts == 1 ? "" : "s")}: {error}",
            OutboxState.Pending => "waiting until it is due",
            OutboxState.Sending => "being sent",
            OutboxState.Dead => "failed: " + (entry.LastError ?? "no reason recorded"),
            OutboxState.Suppressed => "not sent: " + (entry.LastError ?? "the recipient unsubscribed"),
            _ => Formats.Kebab(entry.State),
        };
    }
}
