using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>
/// Queues in-app actions for the customer (see <see cref="InAppQueue"/>). The queue lives in the same DuckDB file and
/// is keyed by the idempotency key, so even the crash that resends an email cannot queue an in-app message twice.
/// </summary>
public sealed class InAppChannel(InAppQueue queue) : IDeliveryChannel
{
    public ActionChannel Channel => ActionChannel.InApp;

    public async Task<DeliveryResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var source = entry.Action.Message ?? entry.Action.Subject;
        if (string.IsNullOrWhiteSpace(source))
        {
            return DeliveryResult.Failed($"rule {entry.RuleId}: the in-app action has no message");
        }

        try
        {
            var model = TemplateModel.Build(entry);
            var message = await LiquidTemplate.ParseCached(source, $"rule {entry.RuleId}: message").RenderAsync(model, Escaping.None).ConfigureAwait(false);
            var subject = entry.Action.Message is not null && entry.Action.Subject is { Length: > 0 } s
                ? await LiquidTemplate.ParseCached(s, $"rule {entry.RuleId}: subject").RenderAsync(model, Escaping.None).ConfigureAwait(false)
                : null;
            return queue.Add(entry.IdempotencyKey, entry.RuleId, entry.CustomerId, subject, message)
                ? DeliveryResult.Sent("in-app: queued")
                : DeliveryResult.Sent("in-app: already queued");
        }
        catch (TemplateError e)
        {
            return DeliveryResult.Failed(e.Message);
        }
    }
}
