using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Journeys;
using Trailmap.Analytics.Paths;
using Trailmap.Analytics.Queries;
using Trailmap.Analytics.Retention;
using Trailmap.Events;
using Trailmap.Journeys.Actuals;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Api;

/// <summary>
/// Measurements through the REST API: a journey's analysis and actuals, and funnel, retention and paths over the
/// workspace's events with the same parameters and the same JSON as the CLI commands (docs/analytics-json.md).
/// </summary>
internal static class AnalyticsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/journeys/{slug}/analysis", async (
            HttpContext context, string slug, [Description("The version to measure; the latest when absent")] int? version, JourneyStore journeys, AnalysisService analysis) =>
            await JourneyApi.MeasureAsync(context, slug, version, journeys, analysis).ConfigureAwait(false) is { } measured
                ? ApiResults.Json(measured.Analysis)
                : JourneyApi.NotFound(slug, version, journeys))
            .WithSummary("Measure a journey against the workspace's events")
            .WithDescription("The whole analysis, exactly as trailmap analyze --format json writes it: stages, KPIs with actual and status, moments of truth, time to value, health, personas, the bottleneck and the gaps to the ideal. See docs/analytics-json.md.")
            .Produces<JourneyAnalysis>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/journeys/{slug}/actuals", async (
            HttpContext context, string slug, [Description("The version to measure; the latest when absent")] int? version, JourneyStore journeys, AnalysisService analysis) =>
            await JourneyApi.MeasureAsync(context, slug, version, journeys, analysis).ConfigureAwait(false) is { } measured
                ? ApiResults.Json(measured.Actuals)
                : JourneyApi.NotFound(slug, version, journeys))
            .WithSummary("The measured numbers the journey map draws")
            .WithDescription("As trailmap analyze --format actuals writes them (docs/actuals.md).")
            .Produces<JourneyActuals>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/funnel", async (
            HttpContext context,
            EventData data,
            [Description("Event names in order, comma-separated; a name may repeat")] string? steps,
            [Description("Conversion window from step 1: 90s, 30m, 12h, 14d (default), 2w")] string? window,
            [Description("Comma-separated modes: strict-order, strict-increase, strict-dedup, strict-once, allow-reentry, unordered")] string? mode,
            [Description("latest (default: a later step-1 event starts a newer chain) or first")] string? reentry,
            [Description("An event that, inside an open chain's window, removes the customer (repeatable)")] string[]? exclude,
            [Description("Break down by an event property of the chain's step-1 event, or a customer trait")] string? by,
            [FromQuery(Name = "step-where"), Description("N:FILTER adds a property filter to step N, e.g. 2:plan == \"team\" (repeatable)")] string[]? stepWhere,
            [Description("Only events at or after this time (ISO 8601 or a date)")] string? from,
            [Description("Only events before this time (ISO 8601 or a date)")] string? to,
            [FromQuery(Name = "over-time"), Description("day or week: add entrants and converters per period of their chain's start")] string? overTime) =>
        {
            try
            {
                var spec = FunnelQuery.Spec(steps, window, mode, reentry, exclude ?? [], by, stepWhere ?? [], overTime) with
                {
                    From = Time(from, "from"),
                    To = Time(to, "to"),
                };
                var log = await LogAsync(data, FunnelQuery.PropertiesUsed(spec), spec.From, spec.To, context.RequestAborted).ConfigureAwait(false);
                var result = await Task.Run(() => FunnelEngine.Run(log, spec), context.RequestAborted).ConfigureAwait(false);
                return ApiResults.Json(FunnelQuery.Json(result, spec));
            }
            catch (QueryParameterException e)
            {
                return ApiResults.BadParameter(e);
            }
        })
            .WithSummary("Ordered funnel over the workspace's events")
            .WithDescription("Customers reaching each step within the window, conversion, drop-off and time to convert; the parameters and JSON of trailmap funnel --format json.")
            .Produces<FunnelJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/retention", async (
            HttpContext context,
            EventData data,
            [Description("The event that puts a customer in a cohort (its first occurrence)")] string? start,
            [FromQuery(Name = "return"), Description("The event that counts as coming back, or any (default)")] string? returnEvent,
            [Description("day, week (default) or month")] string? period,
            [Description("How many periods after the start to show, 0 to 366 (default 8)")] string? periods,
            [Description("on (default: returned in period N) or on-or-after (returned in N or later)")] string? bucket,
            [Description("true for calendar periods (days, ISO weeks, months) instead of rolling spans from each start")] string? calendar,
            [Description("Only events at or after this time (ISO 8601 or a date)")] string? from,
            [Description("Only events before this time (ISO 8601 or a date)")] string? to) =>
        {
            try
            {
                var spec = RetentionQuery.Spec(start, returnEvent, period, Int(periods, "periods", 8), bucket, Bool(calendar, "calendar"));
                var log = await LogAsync(data, [], Time(from, "from"), Time(to, "to"), context.RequestAborted).ConfigureAwait(false);
                var table = await Task.Run(() => RetentionEngine.Run(log, spec), context.RequestAborted).ConfigureAwait(false);
                return ApiResults.Json(RetentionQuery.Json(table));
            }
            catch (QueryParameterException e)
            {
                return ApiResults.BadParameter(e);
            }
        })
            .WithSummary("Cohort retention over the workspace's events")
            .WithDescription("Of the customers who started in each period, how many came back in each later period; the parameters and JSON of trailmap retention --format json.")
            .Produces<RetentionJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/paths", async (
            HttpContext context,
            EventData data,
            [Description("Show what customers do after their first EVENT")] string? from,
            [Description("Show what customers do before their first EVENT")] string? to,
            [Description("Events per path, 1 to 20 (default 3)")] string? depth,
            [Description("How many paths to show, 1 to 1000 (default 10)")] string? top) =>
        {
            try
            {
                var spec = PathsQuery.Spec(from, to, Int(depth, "depth", 3), Int(top, "top", 10));
                var log = await LogAsync(data, [], null, null, context.RequestAborted).ConfigureAwait(false);
                var paths = await Task.Run(() => PathsEngine.Run(log, spec), context.RequestAborted).ConfigureAwait(false);
                return ApiResults.Json(PathsQuery.Json(spec, paths));
            }
            catch (QueryParameterException e)
            {
                return ApiResults.BadParameter(e);
            }
        })
            .WithSummary("The most common event sequences after or before an event")
            .WithDescription("Give exactly one of from and to; the parameters and JSON of trailmap paths --format json.")
            .Produces<PathsJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/status", async (HttpContext context, EventData data, JourneyStore journeys) =>
        {
            var s = await data.UseAsync(store => store.Summary(), context.RequestAborted).ConfigureAwait(false);
            return ApiResults.Json(new WorkspaceStatus(s.Events, s.Customers, journeys.All().Count, s.Imports, [.. s.EventNames.Select(e => new EventCount(e.Event, e.Count))]));
        })
            .WithSummary("What the workspace holds")
            .WithDescription("Events, customers, journeys, imports, and the count of each event name.")
            .Produces<WorkspaceStatus>();
    }

    /// <summary>
    /// The whole log comes from the shared cache; a time range loads just that range, as the CLI's --from/--to do,
    /// so the numbers match <c>trailmap funnel --from ... --to ...</c>.
    /// </summary>
    private static Task<EventLog> LogAsync(EventData data, IReadOnlyCollection<string> properties, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancel) =>
        from is null && to is null
            ? data.LogAsync(properties.ToHashSet(StringComparer.Ordinal), cancel)
            : data.UseAsync(store => store.LoadEventLog(new EventLogQuery { Properties = properties, From = from, To = to }), cancel);

    private static DateTimeOffset? Time(string? text, string parameter)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new QueryParameterException(parameter, $"'{text}' is not a time; write e.g. 2026-01-31 or 2026-01-31T12:00:00Z");
    }

    // Numbers and flags arrive as text so a bad value gets a message naming it, not a bare 400 from binding.
    private static int Int(string? text, string parameter, int fallback) =>
        string.IsNullOrWhiteSpace(text) ? fallback
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
        : throw new QueryParameterException(parameter, $"'{text}' is not a whole number");

    private static bool Bool(string? text, string parameter) =>
        string.IsNullOrWhiteSpace(text) ? false
        : bool.TryParse(text, out var b) ? b
        : text is "1" ? true : text is "0" ? false
        : throw new QueryParameterException(parameter, $"'{text}' is neither true nor false");
}
