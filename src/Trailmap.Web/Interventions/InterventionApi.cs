using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Delivery;
using Trailmap.Web.Accounts;
using Trailmap.Web.Api;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Interventions;

/// <summary>
/// The automation's REST API: a journey's rules with their state and outbox counts, their lift, pausing and
/// resuming, dead letters and requeueing, and the in-app message queue an app backend reads (docs/api.md).
/// </summary>
internal static class InterventionApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").RequireAuthorization(Policies.Viewer).WithTags("automation")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        MapRules(api);
        MapDeadLetters(api);
        MapInApp(api);
    }

    private static void MapRules(RouteGroupBuilder api)
    {
        api.MapGet("/journeys/{slug}/interventions", async (HttpContext context, string slug, InterventionService service) =>
            await service.BoardAsync(slug, context.RequestAborted).ConfigureAwait(false) is { } board
                ? ApiResults.Json(board.Rules.Select(InterventionInfo.Of).ToList())
                : ApiResults.NoJourney(slug))
            .WithSummary("List a journey's interventions and sequences with their state and outbox counts")
            .WithDescription("Every rule of the latest version in file order (interventions, then sequences): stage, condition, channels, holdout, active or paused (since when), and how many of its messages are pending, sending, sent, dead or suppressed.")
            .Produces<List<InterventionInfo>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/journeys/{slug}/lift", async (HttpContext context, string slug, InterventionService service) =>
            await service.BoardAsync(slug, context.RequestAborted).ConfigureAwait(false) is { } board
                ? ApiResults.Json(LiftReport.Of(board))
                : ApiResults.NoJourney(slug))
            .WithSummary("Measure each rule's lift: goal conversion of treated customers against the holdout")
            .WithDescription("One entry per intervention with a goal and sequence with an exit. Each customer counts once, from their first trigger; converted = a goal event within the window after it. Customers whose window is still open are pending. lift = treated_rate - held_out_rate with Newcombe's 95% interval (ci_low, ci_high); rates and lift are null while a group is empty. See docs/automation.md#lift.")
            .Produces<LiftReport>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/journeys/{slug}/interventions/{rule}/pause", (HttpContext context, string slug, string rule, InterventionService service) =>
            SetPausedAsync(context, slug, rule, paused: true, service))
            .RequireAuthorization(Policies.Editor)
            .WithSummary("Pause a rule: its messages are held until it is resumed")
            .WithDescription("Pending messages stay pending and none is sent while paused. Pausing a paused rule changes nothing (changed: false) and keeps its first pause time.")
            .Produces<RuleStateInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/journeys/{slug}/interventions/{rule}/resume", (HttpContext context, string slug, string rule, InterventionService service) =>
            SetPausedAsync(context, slug, rule, paused: false, service))
            .RequireAuthorization(Policies.Editor)
            .WithSummary("Resume a paused rule")
            .WithDescription("Held messages that are due go out at the next dispatch. Resuming an active rule changes nothing (changed: false).")
            .Produces<RuleStateInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SetPausedAsync(HttpContext context, string slug, string rule, bool paused, InterventionService service)
    {
        if (await service.BoardAsync(slug, context.RequestAborted).ConfigureAwait(false) is not { } board)
        {
            return ApiResults.NoJourney(slug);
        }

        if (board.Find(rule) is null)
        {
            return Results.Problem(
                title: "No such intervention",
                detail: $"Journey {slug} has no intervention or sequence \"{rule}\"; GET /api/journeys/{slug}/interventions lists them.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var change = service.Pauses.Set(slug, rule, paused, Actor.Of(context.User));
        var since = service.Pauses.Paused(slug).TryGetValue(rule, out var at) ? at : (DateTimeOffset?)null;
        return ApiResults.Json(new RuleStateInfo(rule, since is null ? "active" : "paused", since, change.Changed, change.SkippedMessages));
    }

    private static void MapDeadLetters(RouteGroupBuilder api)
    {
        api.MapGet("/dead-letters", (Outbox outbox) => ApiResults.Json(outbox.DeadLetters().Select(DeadLetterInfo.Of).ToList()))
            .WithSummary("List the dead letters: messages given up on, with the reason")
            .WithDescription("Every message in the dead state, oldest first: its idempotency key, rule, customer, channel, attempts, last error (the reason) and when it was given up on.")
            .Produces<List<DeadLetterInfo>>();

        api.MapPost("/dead-letters/{key}/requeue", (HttpContext context, string key, Outbox outbox) =>
        {
            // Keys hold ':' and, for sequence steps, '/': send the key percent-encoded (%2F for '/').
            var exact = RawSegment.Of(context, 2, key);
            return outbox.Requeue(exact)
                ? ApiResults.Json(DeadLetterInfo.Of(outbox.Get(exact)!))
                : Results.Problem(
                    title: "No such dead letter",
                    detail: $"There is no dead message with key \"{exact}\" (it may have been requeued already); GET /api/dead-letters lists them. Percent-encode the key in the path (%2F for '/').",
                    statusCode: StatusCodes.Status404NotFound);
        })
            .RequireAuthorization(Policies.Editor)
            .WithSummary("Requeue a dead letter after fixing its cause")
            .WithDescription("The message goes back to pending, due now, with its attempts reset. The path holds the idempotency key, percent-encoded. Answers the message as it is now.")
            .Produces<DeadLetterInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static void MapInApp(RouteGroupBuilder api)
    {
        api.MapGet("/customers/{customerId}/messages", (HttpContext context, string customerId, InAppQueue queue) =>
            ApiResults.Json(queue.Pending(RawSegment.Of(context, 2, customerId)).Select(InAppMessageInfo.Of).ToList()))
            .WithSummary("List a customer's unread in-app messages")
            .WithDescription("Oldest first. A read key is enough: an app backend reads them and shows them to the signed-in customer. Texts are plain; escape them where you show them. Percent-encode the customer id.")
            .Produces<List<InAppMessageInfo>>();

        api.MapPost("/customers/{customerId}/messages/{id}/read", (HttpContext context, string customerId, string id, InAppQueue queue) =>
        {
            var customer = RawSegment.Of(context, 2, customerId);
            var message = RawSegment.Of(context, 4, id);
            // The queue marks by id alone; checking the customer first keeps one customer's path from touching another's messages.
            if (!queue.Pending(customer).Any(m => m.Id == message) || !queue.MarkRead(message))
            {
                return Results.Problem(
                    title: "No such unread message",
                    detail: $"Customer \"{customer}\" has no unread message \"{message}\" (it may be read already); GET /api/customers/{{customerId}}/messages lists them.",
                    statusCode: StatusCodes.Status404NotFound);
            }

            return Results.NoContent();
        })
            .WithSummary("Mark an in-app message read")
            .WithDescription("It leaves the customer's unread list. A read key may do this: read state belongs to the app that shows the messages, and an admin key would give that app far more. The message id is its idempotency key, percent-encoded.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
