using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trailmap.Web.Security;

namespace Trailmap.Web.Shell;

/// <summary>What a request that failed unexpectedly gets: a plain message and an id to quote, never a stack trace.</summary>
public static class ErrorPage
{
    public static async Task WriteAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Trailmap.Web");
        logger.LogError(error, "Request {TraceId} {Path} failed", context.TraceIdentifier, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        var message = $"Something went wrong on our side (request {context.TraceIdentifier}). The server log has the details.";
        if (WorkspaceAuth.IsApi(context.Request.Path))
        {
            await Results.Problem(detail: message, statusCode: 500).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message).ConfigureAwait(false);
    }
}
