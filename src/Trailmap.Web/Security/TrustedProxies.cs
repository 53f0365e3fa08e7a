using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;

namespace Trailmap.Web.Security;

/// <summary>
/// Running behind a TLS-terminating proxy. Forwarded headers (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>) are
/// honoured only from the proxies named with <c>--trusted-proxy</c>: from anyone else they would let a client pick
/// its own address (and so dodge the per-address sign-in limit) or claim HTTPS. With a trusted proxy the client's
/// address is the one the proxy saw, and the session and antiforgery cookies are always marked Secure, since the
/// browser reaches the workspace over HTTPS even though the proxy talks plain HTTP to it.
/// </summary>
public static class TrustedProxies
{
    public static CookieSecurePolicy CookiePolicy(WorkspaceOptions options) =>
        options.TrustedProxies.Count > 0 ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, WorkspaceOptions options)
    {
        if (options.TrustedProxies.Count == 0)
        {
            return app;
        }

        var forwarded = new ForwardedHeadersOptions
        {
            // The host is not taken from the proxy: nothing in the workspace builds links from it.
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Walk back through a chain of trusted proxies to the first address that is not one of them.
            ForwardLimit = null,
        };

        // The defaults trust loopback; only what the operator named is trusted.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var network in options.TrustedProxies)
        {
            forwarded.KnownIPNetworks.Add(network);
        }

        return app.UseForwardedHeaders(forwarded);
    }

    /// <summary>
    /// Parses "10.0.0.5", "10.0.0.0/8" or "fd00::/8"; a bare address is a network of one. Null and an error that
    /// says what was expected for anything else.
    /// </summary>
    public static System.Net.IPNetwork? Parse(string text, out string? error)
    {
        error = null;
        text = text.Trim();
        if (System.Net.IPNetwork.TryParse(text, out var network))
        {
            return network;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            return new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        error = $"'{text}' is not an IP address or network; give the proxy's address (10.0.0.5) or its network in CIDR form (10.0.0.0/24)";
        return null;
    }
}
