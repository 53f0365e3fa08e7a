using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;

namespace Trailmap.Web.Api;

/// <summary>Admin things through the REST API: the members, and API keys (list, create, revoke).</summary>
internal static class AdminApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").RequireAuthorization(Policies.Admin);

        admin.MapGet("/members", (UserStore users) => ApiResults.Json(users.All().Select(MemberInfo.Of).ToList()))
            .WithSummary("List the workspace's members")
            .Produces<List<MemberInfo>>();

        admin.MapGet("/keys", (ApiKeyStore keys) => ApiResults.Json(keys.All().Select(KeyInfo.Of).ToList()))
            .WithSummary("List the API keys, revoked ones included")
            .WithDescription("Secrets are never shown again after creation; the prefix identifies a key.")
            .Produces<List<KeyInfo>>();

        admin.MapPost("/keys", async (HttpContext context, ApiKeyStore keys) =>
        {
            KeyRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<KeyRequest>(context.Request.Body, TrailmapJson.Compact, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                request = null;
            }

            if (request is null)
            {
                return ApiResults.Bad("Send JSON {\"name\": \"website tracking\", \"kind\": \"ingest\"} with Content-Type: application/json.");
            }

            if (!Enum.TryParse<ApiKeyKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(request.Kind, out _))
            {
                return ApiResults.Bad($"kind: '{request.Kind}' is not a key kind; use ingest (send events), read (read the API) or admin.");
            }

            if (string.IsNullOrWhiteSpace(request.Name))
            {
                return ApiResults.Bad("name: give the key a name that says where it is used, such as \"website tracking\".");
            }

            var (key, secret) = keys.Create(request.Name, kind);
            return ApiResults.Json(new CreatedKey(KeyInfo.Of(key), secret), StatusCodes.Status201Created);
        })
            .WithMetadata(new JsonBodyMetadata(typeof(KeyRequest)))
            .WithSummary("Create an API key")
            .WithDescription("Body: {\"name\": \"...\", \"kind\": \"ingest|read|admin\"}. The secret is in this response only; store it now.")
            .Produces<CreatedKey>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        admin.MapDelete("/keys/{id:long}", (long id, ApiKeyStore keys) =>
            keys.Revoke(id)
                ? Results.NoContent()
                : Results.Problem(detail: $"There is no live key {id}; GET /api/keys lists them.", statusCode: StatusCodes.Status404NotFound))
            .WithSummary("Revoke an API key")
            .WithDescription("Requests with the key are refused from now on.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
