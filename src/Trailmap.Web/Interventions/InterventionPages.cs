using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Delivery;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Interventions;

/// <summary>
/// A journey's interventions page (state, outbox counts, lift, pause and resume) and the workspace's dead letters
/// (with requeue). Members read both; pausing, resuming and requeueing need an editor and are plain form POSTs
/// with the antiforgery token, so they work without JavaScript.
/// </summary>
internal static class InterventionPages
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var journey = routes.MapGroup("/journeys/{slug}/interventions").RequireAuthorization(Policies.Viewer).ExcludeFromDescription()
            .AddEndpointFilter(RequireAntiforgeryOnPost);

        journey.MapGet("/", async (HttpContext context, string slug, InterventionService service, WorkspaceOptions options) =>
            await service.BoardAsync(slug, context.RequestAborted).ConfigureAwait(false) is { } board
                ? Page.Render<InterventionsPage>(context, new { Board = board, Warnings = ChannelWarnings.For(board.Measured.Journey, options.Delivery) })
                : JourneyPages.NotFound(context, slug));

        journey.MapPost("/{rule}/pause", (HttpContext context, string slug, string rule, InterventionService service) =>
            SetPausedAsync(context, slug, rule, paused: true, service)).RequireAuthorization(Policies.Editor);

        journey.MapPost("/{rule}/resume", (HttpContext context, string slug, string rule, InterventionService service) =>
            SetPausedAsync(context, slug, rule, paused: false, service)).RequireAuthorization(Policies.Editor);

        var dead = routes.MapGroup("/automation/dead-letters").RequireAuthorization(Policies.Viewer).ExcludeFromDescription()
            .AddEndpointFilter(RequireAntiforgeryOnPost);

        dead.MapGet("/", (HttpContext context, Outbox outbox) =>
            Page.Render<DeadLettersPage>(context, new { Letters = outbox.DeadLetters() }));

        dead.MapPost("/requeue", (HttpContext context, Outbox outbox, [FromForm] string? key) =>
        {
            if (string.IsNullOrEmpty(key) || !outbox.Requeue(key))
            {
                return Page.Render<DeadLettersPage>(
                    context,
                    new { Letters = outbox.DeadLetters(), Error = $"There is no dead message \"{key}\"; it may have been requeued already. The list below is current." },
                    StatusCodes.Status404NotFound);
            }

            return Results.Redirect("/automation/dead-letters?notice=" + Uri.EscapeDataString($"Requeued {key}: it goes out at the next dispatch."));
        }).RequireAuthorization(Policies.Editor);
    }

    private static async Task<IResult> SetPausedAsync(HttpContext context, string slug, string rule, bool paused, InterventionService service)
    {
        if (await service.BoardAsync(slug, context.RequestAborted).ConfigureAwait(false) is not { } board)
        {
            return JourneyPages.NotFound(context, slug);
        }

        if (board.Find(rule) is not { } row)
        {
            return Page.Render<MessagePage>(
                context,
                new { Heading = "No such intervention", Message = $"The journey \"{board.Measured.Journey.Title}\" has no intervention or sequence \"{rule}\".", Link = $"/journeys/{slug}/interventions", LinkText = "See its interventions" },
                StatusCodes.Status404NotFound);
        }

        var change = service.Pauses.Set(slug, rule, paused, Actor.Of(context.User));
        var notice = (paused, change.Changed) switch
        {
            (true, true) => $"Paused “{row.Name}”: its messages are held until you resume it.",
            (true, false) => $"“{row.Name}” was already paused.",
            (false, true) when change.SkippedMessages > 0 =>
                $"Resumed “{row.Name}”: {change.SkippedMessages} message{(change.SkippedMessages == 1 ? "" : "s")} that fell due while it was paused were skipped (on_resume: skip).",
            (false, true) => $"Resumed “{row.Name}”: what fell due while it was paused follows its on_resume setting.",
            (false, false) => $"“{row.Name}” was not paused.",
        };
        return Results.Redirect($"/journeys/{slug}/interventions?notice=" + Uri.EscapeDataString(notice));
    }

    /// <summary>
    /// The pause, resume and requeue forms bind at most one field, and the framework checks the token only on
    /// endpoints that bind a form; this checks every POST here.
    /// </summary>
    private static async ValueTask<object?> RequireAntiforgeryOnPost(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (HttpMethods.IsPost(context.Request.Method)
            && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.Problem(
                title: "The form expired",
                detail: "This form's security token is missing or stale. Go back, reload the page and submit it again.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        return await next(invocation).ConfigureAwait(false);
    }
}
