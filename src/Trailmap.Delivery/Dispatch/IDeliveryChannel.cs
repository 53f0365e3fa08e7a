using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>Sends one kind of action (email, webhook, Slack, in-app). The dispatcher picks the channel by the action's channel.</summary>
public interface IDeliveryChannel
{
    ActionChannel Channel { get; }

    /// <summary>
    /// Sends <paramref name="entry"/> once. Expected failures come back as a <see cref="DeliveryResult"/>, classified
    /// as retry or failed; an exception is treated as a retry.
    /// </summary>
    Task<DeliveryResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken);
}
