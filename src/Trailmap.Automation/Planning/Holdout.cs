using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Trailmap.Automation.Planning;

/// <summary>
/// Deterministic holdout assignment: SHA-256 of <c>{ruleId}:{customerId}</c> (UTF-8), its first 8 bytes read as a
/// big-endian integer and divided by 2^64, gives the customer's position in [0, 1); positions below the rule's
/// holdout share are held out. The same customer is always in or out of the same rule, on any machine, and
/// assignments of different rules are independent.
/// </summary>
public static class Holdout
{
    public static double Position(string ruleId, string customerId)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        ArgumentNullException.ThrowIfNull(customerId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{ruleId}:{customerId}"), hash);
        // 2^-64 scales the 64-bit value into [0, 1); doubles round the largest values up to 1.0, so clamp below it.
        var position = BinaryPrimitives.ReadUInt64BigEndian(hash) * (1.0 / 18446744073709551616.0);
        return Math.Min(position, Math.BitDecrement(1.0));
    }

    public static bool IsHeldOut(string ruleId, string customerId, double? share) =>
        share is > 0 && Position(ruleId, customerId) < share.Value;
}
