namespace Trailmap.Delivery;

public enum DeliveryOutcome
{
    /// <summary>The channel accepted the message.</summary>
    Sent,
    /// <summary>A failure that may pass (timeout, SMTP 4xx, HTTP 5xx, 408, 429): try again later.</summary>
    Retry,
    /// <summary>A failure that will not pass by waiting (SMTP 5xx, HTTP 4xx, a missing recipient): dead at once.</summary>
    Failed,
    /// <summary>Not sent on purpose: the recipient unsubscribed.</summary>
    Suppressed,
}

/// <summary>What a channel did with one message.</summary>
/// <param name="Outcome">Sent, retry, failed (dead at once) or suppressed.</param>
/// <param name="Detail">The receipt when sent (an SMTP reply, "HTTP 200"), else the error or the reason.</param>
/// <param name="RetryAfter">A wait the receiver asked for (HTTP Retry-After), honoured as the least delay.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string Detail, TimeSpan? RetryAfter = null)
{
    public static DeliveryResult Sent(string receipt) => new(DeliveryOutcome.Sent, receipt);

    public static DeliveryResult Retry(string error, TimeSpan? retryAfter = null) => new(DeliveryOutcome.Retry, error, retryAfter);

    public static DeliveryResult Failed(string reason) => new(DeliveryOutcome.Failed, reason);

    public static DeliveryResult Suppressed(string reason) => new(DeliveryOutcome.Suppressed, reason);
}
