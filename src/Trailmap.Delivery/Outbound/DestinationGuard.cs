using System.Net;
using System.Net.Sockets;

namespace Trailmap.Delivery;

/// <summary>
/// Refuses outbound connections to addresses inside the host's own networks. Webhook and Slack URLs come from journey
/// YAML that any editor can change, so without this an editor could make the server call its own admin ports, a
/// database on the private network, or a cloud metadata endpoint (169.254.169.254). The check runs on the address
/// the connection is actually made to, after DNS, so a name that resolves to a private address (DNS rebinding
/// included) is refused as well as a literal one.
/// </summary>
public static class DestinationGuard
{
    /// <summary>
    /// Why <paramref name="address"/> may not be called, or null when it may: loopback (127.0.0.0/8, ::1), private
    /// (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7, the deprecated site-local fec0::/10), link-local
    /// (169.254.0.0/16, fe80::/10), shared carrier-grade NAT (100.64.0.0/10), unspecified ("this network" 0.0.0.0/8,
    /// ::), multicast and reserved (224.0.0.0/3, ff00::/8). IPv4 addresses mapped into IPv6 are judged as IPv4.
    /// </summary>
    public static string? Forbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => "an unspecified address (0.0.0.0/8)",
                127 => "a loopback address (127.0.0.0/8)",
                10 => "a private address (10.0.0.0/8)",
                172 when b[1] is >= 16 and <= 31 => "a private address (172.16.0.0/12)",
                192 when b[1] == 168 => "a private address (192.168.0.0/16)",
                169 when b[1] == 254 => "a link-local address (169.254.0.0/16)",
                100 when b[1] is >= 64 and <= 127 => "a carrier-grade NAT address (100.64.0.0/10)",
                >= 224 => "a multicast or reserved address (224.0.0.0/3)",
                _ => null,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                return "an unspecified address (::)";
            }

            if (address.Equals(IPAddress.IPv6Loopback))
            {
                return "a loopback address (::1)";
            }

            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0xfc or 0xfd => "a private address (fc00::/7)",
                0xfe when (b[1] & 0xc0) == 0x80 => "a link-local address (fe80::/10)",
                0xfe when (b[1] & 0xc0) == 0xc0 => "a site-local address (fec0::/10)",
                0xff => "a multicast address (ff00::/8)",
                _ => null,
            };
        }

        return "an address that is neither IPv4 nor IPv6";
    }

    /// <summary>
    /// A <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the host, drops every forbidden address
    /// (unless <paramref name="allowPrivate"/>) and connects to the first of the others that answers.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(bool allowPrivate) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            var allowed = allowPrivate ? addresses : [.. addresses.Where(a => Forbidden(a) is null)];
            if (allowed.Length == 0)
            {
                throw new DestinationRefusedException(addresses.Length == 0
                    ? $"{host} has no address"
                    : $"{host} resolves to {addresses[0]}, {Forbidden(addresses[0])}: outbound requests to loopback, private, "
                      + "link-local, carrier-grade NAT and unspecified addresses are refused. Point the URL at a public address, or "
                      + "(development and tests only) start with --allow-private-destinations (env TRAILMAP_ALLOW_PRIVATE_DESTINATIONS=true)");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}

/// <summary>An outbound request refused because its destination is inside the host's networks (see <see cref="DestinationGuard"/>).</summary>
public sealed class DestinationRefusedException(string message) : Exception(message);
