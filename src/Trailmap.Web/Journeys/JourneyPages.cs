using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Security;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Journeys;

/// <summary>The journeys list and a journey's measured map.</summary>
public static class JourneyPages
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("/journeys").RequireAuthorization(Policies.Viewer).ExcludeFromDescription();

        pages.MapGet("/", (HttpContext context, string? q, JourneyStore journeys, AnalysisService analysis) =>
            Page.Render<JourneyListPage>(context, new { Rows = JourneyListRow.For(journeys, analysis, q), Query = q?.Trim() }));

        // Pages show the last finished measurement at once and say how fresh it is; see AnalysisService.
        pages.MapGet("/{slug}", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis, WorkspaceOptions options) =>
        {
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis).ConfigureAwait(false);
            return read.Instead ?? Page.Render<JourneyMapPage>(
                context, new { read.Measured, read.Reading, Warnings = Interventions.ChannelWarnings.For(read.Measured!.Journey, options.Delivery) });
        });

        // The map document the journey page frames: the CLI's own HTML renderer, with the actuals filled in.
        pages.MapGet("/{slug}/map.html", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis, Interventions.LiftService lift) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return NotFound(context, slug);
            }

            var reading = await analysis.ReadAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            if (reading.Measured is not { } measured)
            {
                return Results.Content(MeasuringDocument, "text/html; charset=utf-8");
            }

            // The interventions' lift goes into the actuals, so the renderer draws it in each rule's stage column.
            var lifted = await lift.WithLiftAsync(measured, context.RequestAborted).ConfigureAwait(false);
            return Results.Content(HtmlRenderer.Render(lifted.Journey, lifted.Actuals, interactive: ServedMap.SignedIn(stored.Slug)), "text/html; charset=utf-8");
        }).WithMetadata(new FramingAttribute(anySite: false));
    }

    /// <summary>The framed map while the journey version is first measured; the page around it refreshes itself.</summary>
    private const string MeasuringDocument = "<!doctype html><meta charset=\"utf-8\"><title>Measuring</title><p>Measuring this version against the events…</p>";

    /// <summary>The page for a journey that does not exist (or was deleted).</summary>
    public static IResult NotFound(HttpContext context, string slug) => Page.Render<MessagePage>(
        context,
        new { Heading = "No such journey", Message = $"There is no journey \"{slug}\" in this workspace.", Link = "/journeys", LinkText = "See all journeys" },
        StatusCodes.Status404NotFound);
}
