using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Sharing;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Api;

/// <summary>Share links through the REST API: create one and get its URL and the embed snippet, as the Share tab shows them.</summary>
internal static class ShareApi
{
    /// <summary>The largest body POST /api/journeys/{slug}/share-links reads.</summary>
    public const int MaxBodyBytes = 4096;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/journeys/{slug}/share-links", async (HttpContext context, string slug, JourneyStore journeys, ShareLinkStore links) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return ApiResults.NoJourney(slug);
            }

            // A label and a number fit in far less; a bigger body is not a share-link request.
            var body = new byte[MaxBodyBytes + 1];
            var length = 0;
            int read;
            while (length < body.Length && (read = await context.Request.Body.ReadAsync(body.AsMemory(length), context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > MaxBodyBytes)
            {
                return ApiResults.Bad($"The body may be at most {MaxBodyBytes} bytes: {{\"label\": \"Board deck\", \"expires_days\": 30}}.", StatusCodes.Status413PayloadTooLarge);
            }

            ShareLinkRequest? request;
            try
            {
                // No body is a link without a label that never expires.
                request = body.AsSpan(0, length).Trim(" \t\r\n"u8).IsEmpty
                    ? new ShareLinkRequest(null, null)
                    : JsonSerializer.Deserialize<ShareLinkRequest>(body.AsSpan(0, length), TrailmapJson.Compact);
            }
            catch (JsonException)
            {
                request = null;
            }

            if (request is null)
            {
                return ApiResults.Bad("Send JSON {\"label\": \"Board deck\", \"expires_days\": 30} with Content-Type: application/json, or no body for a link that never expires.");
            }

            if (request.ExpiresDays is < 0 or > ShareLinkStore.MaxExpiryDays)
            {
                return ApiResults.Bad($"expires_days: {request.ExpiresDays} is out of range; use 1 to {ShareLinkStore.MaxExpiryDays} days, or 0 (or none) for never.");
            }

            var days = request.ExpiresDays ?? 0;
            var (link, token) = links.Create(stored.Id, Actor.Of(context.User), request.Label, days == 0 ? null : TimeSpan.FromDays(days));
            // The token is in this response only: nothing should keep a copy of it.
            context.Response.Headers.CacheControl = "no-store";
            var url = ShareEndpoints.PublicUrl(context, token);
            var embedUrl = url + "/embed";
            return ApiResults.Json(
                new CreatedShareLink(link.Id, link.Label, link.CreatedAt, link.ExpiresAt, url, embedUrl, EmbedSnippet.For(embedUrl, stored.Title)),
                StatusCodes.Status201Created);
        })
            .RequireAuthorization(Policies.Editor)
            .WithMetadata(new JsonBodyMetadata(typeof(ShareLinkRequest)))
            .WithSummary("Create a read-only share link and its embed snippet")
            .WithDescription("Body (optional): {\"label\": \"...\", \"expires_days\": 30}; 0 or none never expires. The url, embed_url and embed (an iframe) are in this response only: the token is stored hashed.")
            .Produces<CreatedShareLink>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }
}

/// <summary>The body of POST /api/journeys/{slug}/share-links.</summary>
public sealed record ShareLinkRequest(string? Label, int? ExpiresDays);

/// <summary>A new share link: where it opens the map, where it frames, and the iframe snippet to paste into another site.</summary>
public sealed record CreatedShareLink(long Id, string Label, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Url, string EmbedUrl, string Embed);
