using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Security;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Sharing;

/// <summary>
/// A journey's share page (members) and the public, read-only routes a share link opens (anyone with the URL):
/// /s/TOKEN, the measured map on a page of its own, and /s/TOKEN/embed, the bare map document any site may frame.
/// </summary>
public static class ShareEndpoints
{
    /// <summary>The expiries the form offers, in days; 0 is "never".</summary>
    public static readonly (int Days, string Label)[] Expiries =
        [(0, "Never"), (1, "1 day"), (7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")];

    public static void Map(IEndpointRouteBuilder routes)
    {
        var share = routes.MapGroup("/journeys/{slug}/share").ExcludeFromDescription();

        share.MapGet("/", (HttpContext context, string slug, JourneyStore journeys, ShareLinkStore links) =>
            journeys.Find(slug) is { } stored
                ? SharePage(context, stored, links)
                : JourneyPages.NotFound(context, slug))
            .RequireAuthorization(Policies.Viewer);

        share.MapPost("/", (HttpContext context, string slug, JourneyStore journeys, ShareLinkStore links, [FromForm] string? expires, [FromForm] string? label,
            [FromForm(Name = "reveal-owners")] string? owners, [FromForm(Name = "reveal-traits")] string? traits, [FromForm(Name = "reveal-messages")] string? messages) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            if (!int.TryParse(expires ?? "0", NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days > ShareLinkStore.MaxExpiryDays)
            {
                return SharePage(context, stored, links, error: $"The expiry must be a number of days from 1 to {ShareLinkStore.MaxExpiryDays}, or 0 for never; got \"{expires}\".", status: StatusCodes.Status400BadRequest);
            }

            // Unticked boxes are absent from the form: everything beyond the map's structure stays hidden unless asked for.
            var reveals = (owners is null ? ShareReveal.None : ShareReveal.Owners)
                | (traits is null ? ShareReveal.None : ShareReveal.TraitFilters)
                | (messages is null ? ShareReveal.None : ShareReveal.Messages);
            var (link, token) = links.Create(stored.Id, Actor.Of(context.User), label, days == 0 ? null : TimeSpan.FromDays(days), reveals);

            // The token exists only in this response: it is rendered here, not put in a redirect's query string,
            // where it would land in the browser history and any proxy's log.
            context.Response.Headers.CacheControl = "no-store";
            return SharePage(context, stored, links, created: new CreatedLink(link, PublicUrl(context, token), PublicUrl(context, token) + "/embed"));
        }).RequireAuthorization(Policies.Editor);

        share.MapPost("/revoke", (HttpContext context, string slug, JourneyStore journeys, ShareLinkStore links, [FromForm] string? id) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var notice = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && links.Revoke(stored.Id, n, Actor.Of(context.User))
                ? "The link was revoked; it stops working now."
                : "That link was already revoked or has expired; nothing changed.";
            return Results.Redirect("/journeys/" + Uri.EscapeDataString(stored.Slug) + "/share?notice=" + Uri.EscapeDataString(notice));
        }).RequireAuthorization(Policies.Editor);

        var shared = routes.MapGroup("/s/{token}").AllowAnonymous().ExcludeFromDescription();

        shared.MapGet("/", async (HttpContext context, string token, ShareLinkStore links, JourneyStore journeys, AnalysisService analysis) =>
        {
            if (Open(context, token, links, journeys) is not ({ } stored, var reveals))
            {
                return Dead();
            }

            var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            measured = measured with { Journey = ShareRedaction.Apply(measured.Journey, reveals) };
            return (IResult)new Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult<SharedMapPage>(new { Measured = measured, Token = token });
        });

        shared.MapGet("/embed", async (HttpContext context, string token, ShareLinkStore links, JourneyStore journeys, AnalysisService analysis, Interventions.LiftService lift) =>
        {
            if (Open(context, token, links, journeys) is not ({ } stored, var reveals))
            {
                return Dead();
            }

            // The same map as the signed-in one, the interventions' lift included, less what the link does not reveal.
            var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            measured = await lift.WithLiftAsync(measured, context.RequestAborted).ConfigureAwait(false);
            measured = measured with { Journey = ShareRedaction.Apply(measured.Journey, reveals) };
            return Results.Content(HtmlRenderer.Render(measured.Journey, measured.Actuals, interactive: ServedMap.Shared), "text/html; charset=utf-8");
        }).WithMetadata(new FramingAttribute(anySite: true));
    }

    private static IResult SharePage(HttpContext context, StoredJourney journey, ShareLinkStore links, CreatedLink? created = null, string? error = null, int status = StatusCodes.Status200OK) =>
        Page.Render<SharePage>(context, new { Journey = journey, Links = links.Live(journey.Id), Created = created, Error = error, Expiries }, status);

    /// <summary>The live journey behind a token; every public response also stays out of caches and search engines.</summary>
    private static (StoredJourney Journey, ShareReveal Reveals)? Open(HttpContext context, string token, ShareLinkStore links, JourneyStore journeys)
    {
        // Not cached anywhere, so a revoked or expired link stops working on the next load, not when a cache expires.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        return links.Resolve(token) is { } grant && journeys.All().FirstOrDefault(j => j.Id == grant.JourneyId) is { } stored
            ? (stored, grant.Reveals)
            : null;
    }

    /// <summary>Unknown, revoked, expired, or its journey deleted: one answer, so a URL reveals nothing about which.</summary>
    private static IResult Dead() =>
        new Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult<SharedGonePage>() { StatusCode = StatusCodes.Status404NotFound };

    internal static string PublicUrl(HttpContext context, string token) =>
        context.Request.Scheme + "://" + context.Request.Host + context.Request.PathBase + "/s/" + token;
}

/// <summary>A link just created: the only time its URLs can be shown.</summary>
public sealed record CreatedLink(ShareLink Link, string Url, string EmbedUrl);
