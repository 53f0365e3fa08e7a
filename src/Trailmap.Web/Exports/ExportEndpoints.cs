using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Export;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Exports;

/// <summary>A journey's export page and its downloads: every format <c>trailmap render</c> writes, measured.</summary>
public static class ExportEndpoints
{
    /// <summary>The formats in the order the page offers them, with what each is for.</summary>
    public static readonly (RenderFormat Format, string Label, string Use)[] Formats =
    [
        (RenderFormat.Html, "HTML", "the interactive map as one self-contained file; opens in any browser, mails well"),
        (RenderFormat.Pdf, "PDF", "for printing and decks"),
        (RenderFormat.Png, "PNG", "an image of the whole map, for slides and chat"),
        (RenderFormat.Svg, "SVG", "a vector image that scales without blurring"),
        (RenderFormat.Md, "Markdown", "for wikis, pull requests and READMEs"),
        (RenderFormat.Mermaid, "Mermaid", "a journey diagram for tools that draw Mermaid"),
        (RenderFormat.Csv, "CSV", "stages, KPIs and actuals as rows for a spreadsheet"),
        (RenderFormat.Json, "JSON", "the journey and its actuals for programs"),
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("/journeys/{slug}/export").RequireAuthorization(Policies.Viewer).ExcludeFromDescription();

        pages.MapGet("/", (HttpContext context, string slug, JourneyStore journeys) =>
            journeys.Find(slug) is { } stored
                ? Page.Render<ExportPage>(context, new { Journey = stored })
                : JourneyPages.NotFound(context, slug));

        // GET, so a plain link downloads; exports change nothing. ?size=a4 picks the PDF page size (A3 by default).
        pages.MapGet("/{format}", async (HttpContext context, string slug, string format, string? size, JourneyStore journeys, AnalysisService analysis, ExportService exports, Interventions.LiftService lift) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            if (ExportService.ParseFormat(format) is not { } parsed)
            {
                return Problem(context, stored, StatusCodes.Status404NotFound,
                    $"There is no export format \"{format}\". Choose one of: {string.Join(", ", Formats.Select(f => f.Format.ToString().ToLowerInvariant()))}.");
            }

            if (ParseSize(size) is not { } pageSize)
            {
                return Problem(context, stored, StatusCodes.Status400BadRequest, $"There is no page size \"{size}\"; use a3 or a4.");
            }

            var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            measured = await lift.WithLiftAsync(measured, context.RequestAborted).ConfigureAwait(false);
            try
            {
                var file = await exports.ExportAsync(measured, parsed, pageSize, context.RequestAborted).ConfigureAwait(false);
                return Results.File(file.Bytes, file.ContentType, file.FileName);
            }
            catch (ExportException e)
            {
                // No Chromium on this server is a setup matter, not a crash: say what to install, keep the other formats.
                return Problem(context, stored, StatusCodes.Status503ServiceUnavailable, e.Message);
            }
        });
    }

    private static PageSize? ParseSize(string? size) => size?.Trim().ToLowerInvariant() switch
    {
        null or "" or "a3" => PageSize.A3,
        "a4" => PageSize.A4,
        _ => null,
    };

    private static IResult Problem(HttpContext context, StoredJourney journey, int status, string error) =>
        Page.Render<ExportPage>(context, new { Journey = journey, Error = error }, status);
}
