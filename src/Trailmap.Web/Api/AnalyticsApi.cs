using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Trailmap.Analytics.Cohorts;
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

        api.MapGet("/journeys/{slug}/cohorts", async (
            HttpContext context,
            string slug,
            [Description("The version whose cohorts to list; the latest when absent")] int? version,
            [Description("Weeks of size history, 1 to 520 (default 12), ending with the week of the last event")] string? weeks,
            JourneyStore journeys,
            AnalysisService analysis) =>
        {
            try
            {
                var n = CohortQuery.Weeks(Int(weeks, "weeks", CohortQuery.DefaultWeeks));
                if (await JourneyApi.MeasureAsync(context, slug, version, journeys, analysis).ConfigureAwait(false) is not { } measured)
                {
                    return JourneyApi.NotFound(slug, version, journeys);
                }

                // The measurement's log holds every event with the properties and traits the journey's cohorts read.
                var rows = await Task.Run(() => CohortQuery.List(measured.Log, measured.Journey.Cohorts, n), context.RequestAborted).ConfigureAwait(false);
                return ApiResults.Json(rows);
            }
            catch (QueryParameterException e)
            {
                return ApiResults.BadParameter(e);
            }
        })
            .WithSummary("A journey's cohorts with their sizes")
            .WithDescription("Each cohort of the journey's cohorts: section with its definition, its members now and at the end of each recent week; the JSON of trailmap cohorts --format json (docs/cohorts.md).")
            .Produces<IReadOnlyList<CohortJson>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
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
            [FromQuery(Name = "over-time"), Description("day or week: add entrants and converters per period of their chain's start")] string? overTime,
            [FromQuery(Name = "step-window"), Description("N:DURATION gives step N its own window from step N-1, e.g. 3:1h (repeatable; default mode or strict-increase)")] string[]? stepWindow,
            [Description("true: add the correlation analysis (which events and trait values go with converting or dropping off)")] string? correlation,
            [FromQuery(Name = "correlation-trait"), Description("A customer trait whose values the correlation analysis tests too (repeatable)")] string[]? correlationTrait,
            [Description("The journey (its slug) whose cohorts: section defines the cohort that cohort or by=cohort:ID name")] string? journey,
            [Description("Only the members of this cohort of the journey")] string? cohort,
            JourneyStore journeys,
            AnalysisService analysis) =>
        {
            try
            {
                var split = CohortBy(by);
                var spec = FunnelQuery.Spec(steps, window, mode, reentry, exclude ?? [], split is null ? by : null, stepWhere ?? [], overTime, stepWindow ?? []) with
                {
                    From = Time(from, "from"),
                    To = Time(to, "to"),
                };
                var (filter, parts) = await CohortsAsync(context, journey, cohort, split, journeys, analysis).ConfigureAwait(false);
                var traits = (correlationTrait ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList();
                var correlate = Bool(correlation, "correlation") || traits.Count > 0;
                if (correlate)
                {
                    FunnelQuery.CheckCorrelation(spec);
                }

                var all = await LogAsync(data, FunnelQuery.PropertiesUsed(spec), spec.From, spec.To, context.RequestAborted).ConfigureAwait(false);
                var log = filter is null ? all : CohortAnalysis.Keep(all, filter);
                var (result, rows) = await Task.Run(
                    () =>
                    {
                        var r = parts is { } p ? CohortAnalysis.BreakDown(log, spec, p.Id, p.Members) : FunnelEngine.Run(log, spec);
                        return (r, correlate ? FunnelCorrelations.Of(log, spec, r, traits) : null);
                    },
                    context.RequestAborted).ConfigureAwait(false);
                var json = FunnelQuery.Json(result, parts is { } q ? spec with { BreakdownProperty = CohortPrefix + q.Id } : spec);
                return ApiResults.Json(rows is null ? json : json with { CorrelationTest = FunnelCorrelations.Test, Correlations = FunnelQuery.CorrelationJson(rows) });
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

        api.MapGet("/funnel/people", async (
            HttpContext context,
            EventData data,
            [Description("Event names in order, comma-separated; a name may repeat")] string? steps,
            [Description("Conversion window from step 1: 90s, 30m, 12h, 14d (default), 2w")] string? window,
            [Description("Comma-separated modes: strict-order, strict-increase, strict-dedup, strict-once, allow-reentry, unordered")] string? mode,
            [Description("latest (default: a later step-1 event starts a newer chain) or first")] string? reentry,
            [Description("An event that, inside an open chain's window, removes the customer (repeatable)")] string[]? exclude,
            [FromQuery(Name = "step-where"), Description("N:FILTER adds a property filter to step N, e.g. 2:plan == \"team\" (repeatable)")] string[]? stepWhere,
            [FromQuery(Name = "step-window"), Description("N:DURATION gives step N its own window from step N-1, e.g. 3:1h (repeatable)")] string[]? stepWindow,
            [Description("Only events at or after this time (ISO 8601 or a date)")] string? from,
            [Description("Only events before this time (ISO 8601 or a date)")] string? to,
            [Description("The step whose customers to list, from 1")] string? step,
            [Description("dropped (default: reached the step, not the next), converted (reached the next step) or reached")] string? outcome,
            [Description("The page, from 1 (default 1)")] string? page,
            [FromQuery(Name = "page-size"), Description("Customers per page, 1 to 1000 (default 100)")] string? pageSize,
            [Description("json (default: one page) or csv (every customer, no paging)")] string? format) =>
        {
            try
            {
                var spec = FunnelQuery.Spec(steps, window, mode, reentry, exclude ?? [], null, stepWhere ?? [], null, stepWindow ?? []) with
                {
                    From = Time(from, "from"),
                    To = Time(to, "to"),
                };
                var (k, o) = FunnelQuery.PeopleSelector(step, outcome, spec.Steps.Count);
                var n = Int(page, "page", 1);
                if (n < 1)
                {
                    throw new QueryParameterException("page", $"'{page}': pages count from 1");
                }

                var size = Int(pageSize, "page-size", FunnelPeople.DefaultPageSize);
                if (size is < 1 or > FunnelPeople.MaxPageSize)
                {
                    throw new QueryParameterException("page-size", $"'{pageSize}': a page holds 1 to {FunnelPeople.MaxPageSize} customers; for all of them ask for format=csv");
                }

                var csv = (format ?? "json").Trim().ToLowerInvariant() switch
                {
                    "json" => false,
                    "csv" => true,
                    _ => throw new QueryParameterException("format", $"'{format}' is neither json nor csv"),
                };
                var log = await LogAsync(data, FunnelQuery.PropertiesUsed(spec), spec.From, spec.To, context.RequestAborted).ConfigureAwait(false);
                var result = await Task.Run(() => FunnelEngine.Run(log, spec), context.RequestAborted).ConfigureAwait(false);
                if (csv)
                {
                    context.Response.Headers.ContentDisposition = $"attachment; filename=\"funnel-step-{k}-{FunnelPeople.Format(o)}.csv\"";
                    return Results.Text(FunnelQuery.PeopleCsv(FunnelPeople.All(result, k, o)), "text/csv; charset=utf-8");
                }

                return ApiResults.Json(FunnelQuery.PeopleJson(FunnelPeople.Page(result, k, o, n, size), spec));
            }
            catch (QueryParameterException e)
            {
                return ApiResults.BadParameter(e);
            }
        })
            .WithSummary("The customers behind a funnel step")
            .WithDescription("Every customer who dropped after a step (reached it, not the next), converted to the next step, or reached it, by customer id, a page at a time, or all of them as CSV; the funnel parameters of GET /api/funnel, and the list of trailmap funnel --people.")
            .Produces<FunnelPeopleJson>(StatusCodes.Status200OK, "application/json", "text/csv")
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
            [Description("Only events before this time (ISO 8601 or a date)")] string? to,
            [Description("cohort:ID: the table broken down into the members of the journey's cohort ID and the rest")] string? by,
            [Description("The journey (its slug) whose cohorts: section defines the cohort that cohort or by=cohort:ID name")] string? journey,
            [Description("Only the members of this cohort of the journey")] string? cohort,
            JourneyStore journeys,
            AnalysisService analysis) =>
        {
            try
            {
                var spec = RetentionQuery.Spec(start, returnEvent, period, Int(periods, "periods", 8), bucket, Bool(calendar, "calendar"));
                var split = CohortBy(by);
                if (!string.IsNullOrWhiteSpace(by) && split is null)
                {
                    throw new QueryParameterException("by", $"'{by}': retention breaks down by a cohort only; write by=cohort:ID");
                }

                var (filter, parts) = await CohortsAsync(context, journey, cohort, split, journeys, analysis).ConfigureAwait(false);
                var all = await LogAsync(data, [], Time(from, "from"), Time(to, "to"), context.RequestAborted).ConfigureAwait(false);
                var log = filter is null ? all : CohortAnalysis.Keep(all, filter);
                var json = await Task.Run(
                    () =>
                    {
                        var table = RetentionEngine.Run(log, spec);
                        return parts is { } p
                            ? RetentionQuery.ByCohort(table, p.Id, RetentionEngine.Run(CohortAnalysis.Keep(log, p.Members), spec), RetentionEngine.Run(CohortAnalysis.Keep(log, p.Members, keep: false), spec))
                            : RetentionQuery.Json(table);
                    },
                    context.RequestAborted).ConfigureAwait(false);
                return ApiResults.Json(json);
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

        api.MapGet("/paths/sankey", async (
            HttpContext context,
            EventData data,
            [Description("The Sankey of what customers do after their first EVENT")] string? from,
            [Description("The Sankey of what customers do before their first EVENT")] string? to,
            [Description("Steps after (or before) the anchor, 1 to 20 (default 3)")] string? depth,
            [FromQuery(Name = "min-share"), Description("An event holding less than this share of the anchored customers at a step joins the step's other node: 0 to 1, or a percentage (default 0.05)")] string? minShare,
            [Description("With dropped-at: the funnel's event names in order, comma-separated")] string? steps,
            [Description("With dropped-at: the funnel's conversion window from step 1 (default 14d)")] string? window,
            [FromQuery(Name = "dropped-at"), Description("With steps: the paths of the customers who dropped at step N (reached it, not N+1), from their step-N event")] string? droppedAt,
            [Description("Only events at or after this time (ISO 8601 or a date)")] string? since,
            [Description("Only events before this time (ISO 8601 or a date)")] string? until) =>
        {
            try
            {
                var dropped = !string.IsNullOrWhiteSpace(droppedAt);
                var spec = PathsQuery.Sankey(from, to, Int(depth, "depth", 3), minShare, dropped);
                if (!dropped && !string.IsNullOrWhiteSpace(steps))
                {
                    throw new QueryParameterException("steps", "a Sankey from or to an event reads no funnel; add dropped-at=N for the paths of a step's drop-off");
                }

                var funnel = dropped ? FunnelQuery.Spec(steps, window, null, null, [], null, [], null, []) : null;
                var step = funnel is null ? 0 : PathsQuery.DroppedAt(droppedAt, funnel.Steps.Count);
                var log = await LogAsync(data, [], Time(since, "since"), Time(until, "until"), context.RequestAborted).ConfigureAwait(false);
                var chart = await Task.Run(
                    () => funnel is null ? PathSankey.Of(log, spec) : PathSankey.Dropped(log, funnel, FunnelEngine.Run(log, funnel), step, spec.Depth, spec.MinShare),
                    context.RequestAborted).ConfigureAwait(false);
                return ApiResults.Json(chart);
            }
            catch (QueryParameterException e)
            {
                return ApiResults.BadParameter(e);
            }
        })
            .WithSummary("A Sankey of the paths after or before an event, or after a funnel step's drop-off")
            .WithDescription("Give exactly one of from and to, or steps and dropped-at; since and until bound the events read; nodes per step with their customers (events under min-share grouped as other) and the links between steps; the JSON of trailmap paths --sankey --format json (docs/analytics-json.md).")
            .Produces<PathSankey>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/status", async (HttpContext context, EventData data, JourneyStore journeys) =>
        {
            var s = await data.UseStoreAsync(store => store.Summary(), context.RequestAborted).ConfigureAwait(false);
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
            : data.UseStoreAsync(store => store.Load(new EventLogQuery { Properties = properties, From = from, To = to }), cancel);

    private const string CohortPrefix = "cohort:";

    /// <summary>The cohort id of <c>by=cohort:ID</c>; null when <paramref name="by"/> names no cohort.</summary>
    private static string? CohortBy(string? by)
    {
        var text = by?.Trim();
        if (text is null || !text.StartsWith(CohortPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var id = text[CohortPrefix.Length..].Trim();
        return id.Length > 0 ? id : throw new QueryParameterException("by", "cohort: name the cohort, e.g. by=cohort:early-inviters");
    }

    /// <summary>
    /// The members of the cohorts a funnel or retention question names (a filter, a breakdown, or neither), judged on
    /// every event of the journey that defines them, as the journey's own pages judge them.
    /// </summary>
    private static async Task<(HashSet<string>? Filter, (string Id, HashSet<string> Members)? Split)> CohortsAsync(
        HttpContext context, string? journey, string? cohort, string? split, JourneyStore journeys, AnalysisService analysis)
    {
        var filterId = string.IsNullOrWhiteSpace(cohort) ? null : cohort.Trim();
        if (filterId is null && split is null)
        {
            return (null, null);
        }

        var name = filterId is not null ? "cohort" : "by";
        if (string.IsNullOrWhiteSpace(journey))
        {
            throw new QueryParameterException("journey", $"a cohort belongs to a journey; add journey=SLUG, the journey whose cohorts: section defines it (for {name})");
        }

        if (await JourneyApi.MeasureAsync(context, journey.Trim(), null, journeys, analysis).ConfigureAwait(false) is not { } measured)
        {
            throw new QueryParameterException("journey", $"'{journey}': no journey has this slug");
        }

        Trailmap.Journeys.Model.Cohort Find(string id, string parameter) => measured.Journey.FindCohort(id)
            ?? throw new QueryParameterException(parameter, measured.Journey.Cohorts.Count == 0
                ? $"the journey '{measured.Stored.Slug}' defines no cohorts; add a cohorts: section to it (see docs/cohorts.md)"
                : $"the journey '{measured.Stored.Slug}' has no cohort '{id}'; it has {string.Join(", ", measured.Journey.Cohorts.Select(c => c.Id))}");

        var filter = filterId is null ? null : Find(filterId, "cohort");
        var parts = split is null ? null : Find(split, "by");
        return await Task.Run(
            () => (
                filter is null ? null : CohortAnalysis.Members(measured.Log, filter),
                parts is null ? ((string, HashSet<string>)?)null : (parts.Id, CohortAnalysis.Members(measured.Log, parts))),
            context.RequestAborted).ConfigureAwait(false);
    }

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
