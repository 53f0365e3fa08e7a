namespace Trailmap.Delivery;

/// <summary>
/// How a receiver tells a repeat from a first delivery. Delivery is at-least-once: an attempt after the first may
/// repeat a message the receiver already took (the process died after the receiver accepted it, or the answer was
/// lost to a timeout). Every attempt carries its number, and every attempt after the first says it may be a repeat;
/// the idempotency key (webhooks) and the Message-ID (email) stay the same, so receivers can drop duplicates.
/// </summary>
public static class Redelivery
{
    /// <summary>The attempt number, 1 for the first (webhooks also carry it as <c>attempt</c> in the body).</summary>
    public const string AttemptHeader = "X-Trailmap-Attempt";

    /// <summary>Present, with the value <c>true</c>, on every attempt after the first.</summary>
    public const string Header = "X-Trailmap-Redelivery";

    /// <summary>True when an earlier attempt of this message was made, and may have reached the receiver.</summary>
    public static bool IsRedelivery(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Attempts > 1;
    }
}
