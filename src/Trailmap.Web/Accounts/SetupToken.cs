using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Trailmap.Web.Accounts;

/// <summary>
/// The one-time token that guards first-run setup on a server other machines can reach: whoever reaches /setup
/// first would otherwise become the admin. <c>trailmap serve</c> prints it at start; on loopback only the people
/// on this machine can reach /setup, so none is needed.
/// </summary>
public static class SetupToken
{
    /// <summary>A fresh token for a server listening beyond loopback, or null when every address is loopback.</summary>
    public static string? For(IEnumerable<string> urls) => urls.All(IsLoopback) ? null : New();

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Constant-time comparison, so the answer's timing says nothing about how much of a guess was right.</summary>
    public static bool Matches(string expected, string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given.Trim()));

    /// <summary>
    /// Whether a Kestrel URL only listens on loopback. Wildcards (<c>*</c>, <c>+</c>), 0.0.0.0, host names other
    /// than localhost and every other address count as reachable from other machines.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var end = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = end < 0 ? rest : rest[..end];
        string host;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            host = close < 0 ? authority : authority[1..close];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
