using System.Security.Cryptography;
using System.Text;

namespace Trailmap.Delivery;

/// <summary>
/// Signed unsubscribe tokens: base64url(address) "." base64url(HMAC-SHA256(secret, "unsubscribe:" + address)).
/// Anyone holding the link can unsubscribe that one address and no other; the secret never leaves the server.
/// </summary>
public sealed class UnsubscribeTokens
{
    private readonly byte[] key;

    /// <param name="secret">The workspace's secret (at least 16 characters); rotating it voids links already sent.</param>
    public UnsubscribeTokens(string secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 16)
        {
            throw new ArgumentException("the unsubscribe secret must be at least 16 characters (use a random string)", nameof(secret));
        }

        key = Encoding.UTF8.GetBytes(secret);
    }

    public string Create(string address)
    {
        var normal = SuppressionList.Normalize(address);
        var bytes = Encoding.UTF8.GetBytes(normal);
        return Base64Url(bytes) + "." + Base64Url(Sign(normal));
    }

    /// <summary>The address a genuine token was made for; false for a forged, altered or malformed one.</summary>
    public bool TryRead(string? token, out string address)
    {
        address = "";
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0)
        {
            return false;
        }

        try
        {
            var named = Encoding.UTF8.GetString(FromBase64Url(token[..dot]));
            var signature = FromBase64Url(token[(dot + 1)..]);
            if (!CryptographicOperations.FixedTimeEquals(signature, Sign(named)))
            {
                return false;
            }

            address = named;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private byte[] Sign(string address) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("unsubscribe:" + address));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
