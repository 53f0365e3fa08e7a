using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Analytics.Retention;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Insights;

/// <summary>The analytics pages of a journey: stage drill-downs, the KPI board, retention, customers and their timelines.</summary>
public static class InsightsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("/journeys/{slug}").RequireAuthorization(Policies.Viewer).ExcludeFromDescription();

        pages.MapGet("/stages/{stageId}", async (HttpContext context, string slug, string stageId, JourneyStore journeys, AnalysisService analysis) =>
        {
            if (await MeasureAsync(context, slug, journeys, analysis).ConfigureAwait(false) is not { } measured)
            {
                return JourneyPages.NotFound(context, slug);
            }

            if (StageDrillDown.Build(measured, JourneyInsights.Of(measured).Entries, stageId) is not { } drill)
            {
                return Missing(context, "No such stage", $"The journey \"{measured.Journey.Title}\" has no stage with the id \"{stageId}\".", "/journeys/" + slug, "Back to the map");
            }

            var from = context.Request.Query["from"].FirstOrDefault();
            var error = from is null or "" or "start" or "previous" ? null : $"from: \"{from}\" is not a starting point; use start (the journey start) or previous (the previous stage).";
            return Page.Render<StagePage>(
                context,
                new { Measured = measured, D = drill, FromPrevious = from == "previous", FromError = error },
                error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        pages.MapGet("/kpis", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
            await MeasureAsync(context, slug, journeys, analysis).ConfigureAwait(false) is { } measured
                ? Page.Render<KpiBoardPage>(context, new { Measured = measured })
                : JourneyPages.NotFound(context, slug));

        pages.MapGet("/retention", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            if (await MeasureAsync(context, slug, journeys, analysis).ConfigureAwait(false) is not { } measured)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var query = RetentionQuery.Parse(context.Request.Query, measured.Log);
            var first = measured.Journey.Stages.FirstOrDefault(s => s.Entry is not null);
            var table = first is not null && query.Errors.Count == 0 ? RetentionEngine.Run(measured.Log, query.Spec(first.Entry!)) : null;
            var end = DateOnly.FromDateTime((measured.Analysis.To ?? DateTimeOffset.UnixEpoch).UtcDateTime);
            return Page.Render<RetentionPage>(
                context,
                new { Measured = measured, Query = query, Start = first?.Entry, FirstStage = first?.Name ?? "", Table = table, End = end },
                query.Errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        pages.MapGet("/customers", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            if (await MeasureAsync(context, slug, journeys, analysis).ConfigureAwait(false) is not { } measured)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var insights = JourneyInsights.Of(measured);
            var search = context.Request.Query["q"].FirstOrDefault()?.Trim();
            if (!string.IsNullOrEmpty(search) && insights.Entries.IndexOf(search) >= 0)
            {
                return Results.Redirect(Formats.CustomerPath(slug, search));
            }

            var list = AtRiskList.Build(insights, measured.Journey.Health is { Components.Count: > 0 }, search);
            return Page.Render<CustomersPage>(context, new { Measured = measured, List = list, Search = search, AsOf = insights.Entries.End });
        });

        // A catch-all, so a customer id holding '/' (an email-like or path-like id) still has a page of its own.
        pages.MapGet("/customers/{**id}", async (HttpContext context, string slug, string id, JourneyStore journeys, AnalysisService analysis, EventData data) =>
        {
            if (await MeasureAsync(context, slug, journeys, analysis).ConfigureAwait(false) is not { } measured)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var timeline = await CustomerTimeline.LoadAsync(measured, JourneyInsights.Of(measured).Entries, data, id, context.RequestAborted).ConfigureAwait(false);
            return timeline is null
                ? Missing(context, "No such customer", $"No events of a customer \"{id}\" are in this workspace.", $"/journeys/{slug}/customers", "Find a customer")
                : Page.Render<CustomerPage>(context, new { Measured = measured, Timeline = timeline });
        });
    }

    private static async Task<MeasuredJourney?> MeasureAsync(HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        journeys.Find(slug) is { } stored
            ? await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false)
            : null;

    private static IResult Missing(HttpContext context, string heading, string message, string link, string linkText) =>
        Page.Render<MessagePage>(context, new { Heading = heading, Message = message, Link = link, LinkText = linkText }, StatusCodes.Status404NotFound);
}
