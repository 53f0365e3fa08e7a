using System.Security.Cryptography;
using System.Text;

namespace Trailmap.Delivery;

/// <summary>
/// The Message-ID of an outbox message: the first 32 hex digits of SHA-256(idempotency key) at the configured domain.
/// The same key always gives the same id, so a receiver (or a test reading the mailbox) can spot the rare duplicate
/// a crash can cause; hashing keeps customer ids out of headers and makes any key a valid id.
/// </summary>
public static class MessageIds
{
    public static string For(string idempotencyKey, string domain) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32] + "@" + domain;
}
