using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Trailmap.Web.Security;

/// <summary>
/// Marks an endpoint whose page may be framed: by any site (share-link embeds, <c>AnySite</c>) or only by the
/// workspace's own pages (the map document inside the journey page). Every other page refuses framing.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class FramingAttribute(bool anySite) : Attribute
{
    public bool AnySite { get; } = anySite;

    public string Ancestors => AnySite ? "*" : "'self'";
}

/// <summary>
/// Security headers on every response: a content security policy that allows no inline or foreign scripts, no
/// MIME sniffing, no referrer to other sites, and framing only for share-link embeds.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Inline styles stay allowed: the journey map is one self-contained document with its CSS inline (so it also
    /// works as a mailed file), and styles cannot run code. Scripts come only from /assets on this origin.
    /// </summary>
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            var framing = context.GetEndpoint()?.Metadata.GetMetadata<FramingAttribute>();
            headers.ContentSecurityPolicy = Policy + "; frame-ancestors " + (framing?.Ancestors ?? "'none'");
            if (framing is null)
            {
                headers.XFrameOptions = "DENY";
            }
            else if (!framing.AnySite)
            {
                headers.XFrameOptions = "SAMEORIGIN";
            }

            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next(context).ConfigureAwait(false);
    });
}
