using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Trailmap.Web.Api;

/// <summary>
/// Gives the REST API's 401 and 403 a problem-details body that says what to do, instead of an empty response.
/// The framework's handling runs first (cookie or key challenge, WWW-Authenticate); only /api gets the body, so
/// pages keep their redirects and other APIs their own style.
/// </summary>
public sealed class ApiAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler framework = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await framework.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
        if (!context.Request.Path.StartsWithSegments("/api") || context.Response.HasStarted || authorizeResult.Succeeded)
        {
            return;
        }

        var keySent = context.Request.Headers.Authorization.Count > 0;
        var (status, detail) = context.Response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => (401, keySent
                ? "The API key is unknown or revoked. Create one in Settings > API keys or with trailmap keys create, and send it as Authorization: Bearer KEY."
                : "Sign in, or send an API key as Authorization: Bearer KEY (Settings > API keys, or trailmap keys create)."),
            StatusCodes.Status403Forbidden => (403,
                "Not allowed for your role or key: reading needs a viewer or a read key, changes an editor or an admin key, and admin endpoints an admin or an admin key. Ingest keys only send events."),
            _ => (0, ""),
        };
        if (status != 0)
        {
            await Results.Problem(detail: detail, statusCode: status).ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
