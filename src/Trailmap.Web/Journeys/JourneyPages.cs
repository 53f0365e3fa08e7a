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

        pages.MapGet("/", (HttpContext context, JourneyStore journeys) =>
            Page.Render<JourneyListPage>(context, new { Journeys = journeys.All() }));

        pages.MapGet("/{slug}", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return NotFound(context, slug);
            }

            var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            return Page.Render<JourneyMapPage>(context, new { Measured = measured });
        });

        // The map document the journey page frames: the CLI's own HTML renderer, with the actuals filled in.
        pages.MapGet("/{slug}/map.html", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis, Interventions.LiftService lift) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return NotFound(context, slug);
            }

            var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            // The interventions' lift goes into the actuals, so the renderer draws it in each rule's stage column.
            var lifted = await lift.MeasureAsync(measured, context.RequestAborted).ConfigureAwait(false);
            var actuals = measured.Actuals with { Interventions = lifted.ToActuals() };
            return Results.Content(HtmlRenderer.Render(measured.Journey, actuals), "text/html; charset=utf-8");
        }).WithMetadata(new FramingAttribute(anySite: false));
    }

    /// <summary>The page for a journey that does not exist (or was deleted).</summary>
    public static IResult NotFound(HttpContext context, string slug) => Page.Render<MessagePage>(
        context,
        new { Heading = "No such journey", Message = $"There is no journey \"{slug}\" in this workspace.", Link = "/journeys", LinkText = "See all journeys" },
        StatusCodes.Status404NotFound);
}
