using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Trailmap.Delivery;

public enum WebhookVerification
{
    Valid,
    /// <summary>The signature does not match: another secret, or the body or timestamp was changed.</summary>
    BadSignature,
    /// <summary>The timestamp is further from now than the tolerance: a replayed (or very late) request.</summary>
    Stale,
    /// <summary>A header is missing or not in the expected form.</summary>
    Malformed,
}

/// <summary>
/// The webhook signature: X-Trailmap-Signature is the lower-case hex HMAC-SHA256, keyed with the workspace's webhook
/// secret (UTF-8), of "{timestamp}.{body}", where timestamp is the X-Trailmap-Timestamp header (Unix seconds) and
/// body the request body exactly as received. Receivers use <see cref="Verify"/> or redo it as docs/delivery.md shows.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-Trailmap-Timestamp";
    public const string SignatureHeader = "X-Trailmap-Signature";

    /// <summary>How far a timestamp may be from the receiver's clock by default: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>
    /// Checks a received webhook: the signature over the timestamp and the raw body, and that the timestamp is within
    /// <paramref name="tolerance"/> (default 5 minutes) of <paramref name="now"/> so a captured request cannot be replayed later.
    /// </summary>
    public static WebhookVerification Verify(
        string secret, string? timestampHeader, ReadOnlySpan<byte> body, string? signatureHeader, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || signatureHeader is not { Length: 64 })
        {
            return WebhookVerification.Malformed;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signatureHeader);
        }
        catch (FormatException)
        {
            return WebhookVerification.Malformed;
        }

        var expected = Convert.FromHexString(Sign(secret, timestamp, body));
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
        {
            return WebhookVerification.BadSignature;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        return age.Duration() > (tolerance ?? DefaultTolerance) ? WebhookVerification.Stale : WebhookVerification.Valid;
    }
}
