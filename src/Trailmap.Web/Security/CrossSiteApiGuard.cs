using System.Net.Http.Headers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Trailmap.Web.Security;

/// <summary>
/// Keeps other sites from using a member's session cookie on the API. A browser sends a cross-site POST with the
/// cookie and without asking the server first only when its content type is one a form can send (text/plain,
/// application/x-www-form-urlencoded, multipart/form-data) or it has none; any other type, such as
/// <c>application/json</c> or a YAML type, and any custom header need a CORS preflight, which this server never
/// grants. So a cookie-authenticated API POST with a form-like or missing content type must carry the antiforgery
/// token in the <c>RequestVerificationToken</c> header. Calls with an API key (Authorization header) carry no
/// ambient credential and are not affected; PUT, PATCH and DELETE always need a preflight from another origin.
/// </summary>
public static class CrossSiteApiGuard
{
    public static IApplicationBuilder UseCrossSiteApiGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method)
            // The REST API; /v1 (ingestion) admits write keys only, so a cookie there is refused anyway.
            && request.Path.StartsWithSegments("/api")
            && request.Headers.Authorization.Count == 0
            && WorkspaceAuth.SessionOf(context.User) is not null
            && IsFormLike(request.ContentType)
            && !await HasAntiforgeryHeaderAsync(context).ConfigureAwait(false))
        {
            await Results.Problem(
                title: "Send JSON or the antiforgery token",
                detail: "An API call signed in with the session cookie that changes something must have Content-Type: application/json "
                    + "(or the body's own type, such as application/yaml) or the page's antiforgery token in a RequestVerificationToken header; "
                    + "text/plain, form data and no content type are refused. Programs should use an API key (Authorization: Bearer KEY) instead.",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    /// <summary>
    /// Only the header counts: without one the token would be looked for in the body, and a malformed form body
    /// would then fail the request with a 500 instead of this 400.
    /// </summary>
    private static async Task<bool> HasAntiforgeryHeaderAsync(HttpContext context)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        var header = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value.HeaderName;
        return header is not null
            && !string.IsNullOrEmpty(context.Request.Headers[header])
            && await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false);
    }

    /// <summary>The content types a cross-site form or "simple" fetch can send without a preflight, and none at all.</summary>
    private static bool IsFormLike(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is not { } type)
        {
            // Unreadable: browsers treat it as safelisted in some versions, so err on the safe side.
            return true;
        }

        return type.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
    }
}
