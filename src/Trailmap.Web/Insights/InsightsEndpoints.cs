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
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis, "/stages").ConfigureAwait(false);
            if (read.Instead is { } instead)
            {
                return instead;
            }

            var (measured, reading) = (read.Measured!, read.Reading);

            // ?show=converted lists those who went on to the next stage instead of the stuck; ?page=N pages through either.
            var show = context.Request.Query["show"].FirstOrDefault();
            var pageText = context.Request.Query["page"].FirstOrDefault();
            var page = int.TryParse(pageText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
            if (StageDrillDown.Build(measured, measured.Measurement.Entries, stageId, page, show == "converted") is not { } drill)
            {
                return Missing(context, "No such stage", $"The journey \"{measured.Journey.Title}\" has no stage with the id \"{stageId}\".", "/journeys/" + slug, "Back to the map");
            }

            var from = context.Request.Query["from"].FirstOrDefault();
            var error = from is null or "" or "start" or "previous" ? null : $"from: \"{from}\" is not a starting point; use start (the journey start) or previous (the previous stage).";
            var listError = show is null or "" or "stuck" or "converted" ? null : $"show: \"{show}\" is not a list; use stuck (reached this stage, not the next) or converted (went on to the next).";
            listError ??= pageText is null or "" || page.ToString(System.Globalization.CultureInfo.InvariantCulture) == pageText ? null : $"page: \"{pageText}\" is not a page number; pages count from 1.";
            return Page.Render<StagePage>(
                context,
                new { Measured = measured, Reading = reading, D = drill, FromPrevious = from == "previous", FromError = error, ListError = listError },
                error is null && listError is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        // Every customer of a stage's stuck or converted list, as CSV for a spreadsheet, a CRM or an email tool.
        pages.MapGet("/stages/{stageId}/people.csv", async (HttpContext context, string slug, string stageId, JourneyStore journeys, AnalysisService analysis) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var show = context.Request.Query["show"].FirstOrDefault();
            if (show is not (null or "" or "stuck" or "converted"))
            {
                return Results.Text($"show: \"{show}\" is not a list; use stuck (reached the stage, not the next) or converted (went on to the next).\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }

            var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            if (StageDrillDown.Build(measured, measured.Measurement.Entries, stageId, page: null, converted: show == "converted") is not { } drill)
            {
                return Results.Text($"The journey has no stage with the id \"{stageId}\".\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            }

            var name = show == "converted" ? "converted" : "stuck";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{stored.Slug}-{drill.Stage.Id}-{name}.csv\"";
            return Results.Text(StagePeopleCsv.Write(drill), "text/csv; charset=utf-8");
        });

        pages.MapGet("/funnel", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis, EventData data) =>
        {
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis, "/funnel").ConfigureAwait(false);
            if (read.Instead is { } instead)
            {
                return instead;
            }

            // The measurement's log holds the properties the journey reads; a breakdown may name another one.
            var measured = read.Measured!;
            var log = FunnelView.ByParameter(context.Request.Query) is { } by
                ? await data.LogAsync(
                    Trailmap.Analytics.Journeys.JourneyAnalyzer.PropertiesUsed(measured.Journey).Append(by).ToHashSet(StringComparer.Ordinal),
                    measured.Journey.Measure == Trailmap.Journeys.Model.JourneyMeasure.Accounts ? Trailmap.Events.AnalysisUnit.Accounts : Trailmap.Events.AnalysisUnit.People,
                    context.RequestAborted).ConfigureAwait(false)
                : measured.Log;
            var view = await Task.Run(() => FunnelView.Build(measured, log, context.Request.Query), context.RequestAborted).ConfigureAwait(false);
            return Page.Render<FunnelPage>(
                context,
                new { read.Measured, read.Reading, V = view },
                view.Errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        pages.MapGet("/paths", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis, "/paths").ConfigureAwait(false);
            if (read.Instead is { } instead)
            {
                return instead;
            }

            var view = await Task.Run(() => PathsView.Build(read.Measured!, context.Request.Query), context.RequestAborted).ConfigureAwait(false);
            return Page.Render<PathsPage>(
                context,
                new { read.Measured, read.Reading, V = view },
                view.Errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        pages.MapGet("/cohorts", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis, "/cohorts").ConfigureAwait(false);
            if (read.Instead is { } instead)
            {
                return instead;
            }

            var measured = read.Measured!;
            var weeksText = context.Request.Query["weeks"].FirstOrDefault();
            var error = (string?)null;
            var weeks = Trailmap.Analytics.Queries.CohortQuery.DefaultWeeks;
            if (!string.IsNullOrEmpty(weeksText)
                && (!int.TryParse(weeksText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out weeks)
                    || weeks is < 1 or > Trailmap.Analytics.Cohorts.CohortAnalysis.MaxWeeks))
            {
                error = $"weeks: \"{weeksText}\" is not a number of weeks from 1 to {Trailmap.Analytics.Cohorts.CohortAnalysis.MaxWeeks}.";
                weeks = Trailmap.Analytics.Queries.CohortQuery.DefaultWeeks;
            }

            // The measurement's log holds every event with the properties and traits the journey's cohorts read.
            var rows = await Task.Run(() => Trailmap.Analytics.Queries.CohortQuery.List(measured.Log, measured.Journey.Cohorts, weeks), context.RequestAborted).ConfigureAwait(false);
            return Page.Render<CohortsPage>(
                context,
                new { Measured = measured, read.Reading, Rows = rows, Weeks = weeks, Error = error },
                error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        pages.MapGet("/kpis", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis, "/kpis").ConfigureAwait(false);
            return read.Instead ?? Page.Render<KpiBoardPage>(context, new { read.Measured, read.Reading });
        });

        pages.MapGet("/retention", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis, "/retention").ConfigureAwait(false);
            if (read.Instead is { } instead)
            {
                return instead;
            }

            var (measured, reading) = (read.Measured!, read.Reading);

            var query = RetentionQuery.Parse(context.Request.Query, measured.Log);
            var first = measured.Journey.Stages.FirstOrDefault(s => s.Entry is not null);
            var start = first?.Entry;

            // A KPI's actual links here with its id: the view then uses the KPI's own definition and shows its figure.
            Trailmap.Journeys.Model.Metric? kpi = null;
            if (query.Kpi is { } kpiId)
            {
                kpi = measured.Journey.AllMetrics().FirstOrDefault(m => m.Id == kpiId && RetentionQuery.Drawable(m));
                if (kpi is null)
                {
                    query = query with { Errors = [.. query.Errors, $"kpi: this journey has no retention KPI \"{kpiId}\" with an event, period and period_number; open the view from the KPI board, or leave kpi out to see cohorts by the first stage."] };
                }
                else
                {
                    query = query.For(kpi);
                    start = kpi.Event;
                }
            }

            // ?cohort=ID: only the members of one of the journey's cohorts, judged on the measurement's every event.
            var cohortId = context.Request.Query["cohort"].FirstOrDefault()?.Trim();
            var log = measured.Log;
            if (!string.IsNullOrEmpty(cohortId))
            {
                if (measured.Journey.FindCohort(cohortId) is { } cohort)
                {
                    log = Trailmap.Analytics.Cohorts.CohortAnalysis.Keep(log, Trailmap.Analytics.Cohorts.CohortAnalysis.Members(measured.Log, cohort));
                }
                else
                {
                    query = query with { Errors = [.. query.Errors, measured.Journey.Cohorts.Count == 0 ? "cohort: this journey defines no cohorts; add a cohorts: section to the journey file (see docs/cohorts.md)." : $"cohort: this journey has no cohort \"{cohortId}\"; it has {string.Join(", ", measured.Journey.Cohorts.Select(c => c.Id))}."] };
                }
            }

            // ?by=cohort:ID: everyone's table, then the members' and the rest's, as trailmap retention --by cohort:ID.
            var byText = context.Request.Query["by"].FirstOrDefault()?.Trim();
            Trailmap.Journeys.Model.Cohort? split = null;
            if (!string.IsNullOrEmpty(byText))
            {
                var byId = byText.StartsWith("cohort:", StringComparison.Ordinal) ? byText["cohort:".Length..].Trim() : "";
                split = byId.Length > 0 ? measured.Journey.FindCohort(byId) : null;
                if (split is null)
                {
                    query = query with
                    {
                        Errors = [.. query.Errors, byId.Length == 0
                            ? $"by: \"{byText}\" is not a breakdown of retention; it breaks down by a cohort only: by=cohort:ID."
                            : measured.Journey.Cohorts.Count == 0 ? "by: this journey defines no cohorts; add a cohorts: section to the journey file (see docs/cohorts.md)."
                            : $"by: this journey has no cohort \"{byId}\"; it has {string.Join(", ", measured.Journey.Cohorts.Select(c => c.Id))}."],
                    };
                }
            }

            var table = start is not null && query.Errors.Count == 0 ? RetentionEngine.Run(log, query.Spec(start)) : null;
            RetentionTable? members = null, rest = null;
            if (table is not null && split is not null)
            {
                var inside = Trailmap.Analytics.Cohorts.CohortAnalysis.Members(measured.Log, split);
                members = RetentionEngine.Run(Trailmap.Analytics.Cohorts.CohortAnalysis.Keep(log, inside), query.Spec(start!));
                rest = RetentionEngine.Run(Trailmap.Analytics.Cohorts.CohortAnalysis.Keep(log, inside, keep: false), query.Spec(start!));
            }

            var end = DateOnly.FromDateTime((measured.Analysis.To ?? DateTimeOffset.UnixEpoch).UtcDateTime);
            var figure = kpi is not null && table is not null ? RetentionKpiFigure.Of(table, query, kpi.PeriodNumber!.Value, end) : null;
            return Page.Render<RetentionPage>(
                context,
                new
                {
                    Measured = measured,
                    Reading = reading,
                    Query = query,
                    Start = start,
                    FirstStage = first?.Name ?? "",
                    Table = table,
                    End = end,
                    Kpi = kpi,
                    KpiFigure = figure,
                    Cohort = string.IsNullOrEmpty(cohortId) ? null : cohortId,
                    By = split?.Id,
                    Members = members,
                    Rest = rest,
                },
                query.Errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        pages.MapGet("/customers", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis, "/customers").ConfigureAwait(false);
            if (read.Instead is { } instead)
            {
                return instead;
            }

            var (measured, reading) = (read.Measured!, read.Reading);

            var insights = measured.Measurement;
            var search = context.Request.Query["q"].FirstOrDefault()?.Trim();
            if (!string.IsNullOrEmpty(search) && insights.Entries.IndexOf(search) >= 0)
            {
                return Results.Redirect(Formats.CustomerPath(slug, search));
            }

            // ?page=N pages through the list; anything but a positive number shows the first page.
            var page = int.TryParse(context.Request.Query["page"].FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
            var list = AtRiskList.Build(insights, measured.Journey, measured.Journey.Health is { Components.Count: > 0 }, search, page);
            return Page.Render<CustomersPage>(context, new { Measured = measured, Reading = reading, List = list, Search = search, AsOf = insights.Entries.End });
        });

        // The customers page's whole list, every page of it, as CSV for a spreadsheet or a CRM import.
        pages.MapGet("/customers.csv", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            var insights = measured.Measurement;
            var list = AtRiskList.Build(insights, measured.Journey, measured.Journey.Health is { Components.Count: > 0 }, null);
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{stored.Slug}-customers.csv\"";
            return Results.Text(CustomerCsv.Write(list), "text/csv; charset=utf-8");
        });

        // A catch-all, so a customer id holding '/' (an email-like or path-like id) still has a page of its own.
        pages.MapGet("/customers/{**id}", async (HttpContext context, string slug, string id, JourneyStore journeys, AnalysisService analysis, EventData data, Trailmap.Delivery.Outbox outbox) =>
        {
            var read = await PendingMeasurement.ReadAsync(context, slug, journeys, analysis, "/customers").ConfigureAwait(false);
            if (read.Instead is { } instead)
            {
                return instead;
            }

            var (measured, reading) = (read.Measured!, read.Reading);

            var insights = measured.Measurement;
            var timeline = await CustomerTimeline.LoadAsync(measured, insights.Entries, data, id, context.RequestAborted).ConfigureAwait(false);
            var scored = measured.Journey.Health is { Components.Count: > 0 };
            var health = scored ? insights.CustomerHealth.FirstOrDefault(h => string.Equals(h.Customer, id, StringComparison.Ordinal)) : null;
            if (timeline is null)
            {
                return Missing(context, "No such customer", $"No events of a customer \"{id}\" are in this workspace.", $"/journeys/{slug}/customers", "Find a customer");
            }

            // An account's messages went to its members; a person's to any of the ids merged into them.
            var messages = CustomerMessages.For(outbox, measured.Stored.Slug, measured.Journey, timeline.Members ?? timeline.Ids);
            return Page.Render<CustomerPage>(context, new { Measured = measured, Reading = reading, Timeline = timeline, Scored = scored, Health = health, Messages = messages });
        });
    }

    private static IResult Missing(HttpContext context, string heading, string message, string link, string linkText) =>
        Page.Render<MessagePage>(context, new { Heading = heading, Message = message, Link = link, LinkText = linkText }, StatusCodes.Status404NotFound);
}
