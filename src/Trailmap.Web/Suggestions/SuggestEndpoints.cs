using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Rules;
using Trailmap.Discovery.Suggest;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Suggestions;

/// <summary>
/// "Suggest interventions" on a measured journey: <c>trailmap suggest</c> on the workspace's events, its ranked and
/// backtested proposals with their numbers, and the chosen ones added to the journey's YAML in the editor, where
/// they are reviewed and saved like any edit (nothing is saved here).
/// </summary>
public static class SuggestEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var suggest = routes.MapGroup("/journeys/{slug}/suggest").RequireAuthorization(Policies.Editor).ExcludeFromDescription();

        suggest.MapGet("", async (HttpContext context, string slug, JourneyStore journeys, EventData data) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var run = await RunAsync(journeys, stored, data, context.RequestAborted).ConfigureAwait(false);
            return Page.Render<SuggestPage>(context, new { Journey = stored, run.Report, run.Error }, run.Report is null ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
        });

        // The chosen suggestions, added to the latest version's text, open in the editor; saving is the editor's.
        suggest.MapPost("", async (HttpContext context, string slug, JourneyStore journeys, EventData data, IFormCollection form) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var run = await RunAsync(journeys, stored, data, context.RequestAborted).ConfigureAwait(false);
            if (run.Report is not { } report)
            {
                return Page.Render<SuggestPage>(context, new { Journey = stored, run.Report, run.Error }, StatusCodes.Status422UnprocessableEntity);
            }

            var wanted = form["rule"].OfType<string>().ToHashSet(StringComparer.Ordinal);
            var chosen = report.Suggestions.Where(s => wanted.Contains(s.Intervention.Id)).ToList();
            if (chosen.Count == 0 || chosen.Count < wanted.Count)
            {
                var error = chosen.Count == 0 && wanted.Count == 0
                    ? "Choose at least one suggestion to add."
                    : "Some chosen suggestions are no longer suggested (the events changed since the page was shown); choose again from the list below.";
                return Page.Render<SuggestPage>(context, new { Journey = stored, Report = report, Error = error }, StatusCodes.Status422UnprocessableEntity);
            }

            var latest = journeys.Latest(stored);
            string merged;
            try
            {
                merged = InterventionYamlMerge.Add(latest.Yaml, InterventionSuggester.Yaml(run.Journey!, chosen, run.Log!, report.From, report.To));
            }
            catch (InterventionMergeException e)
            {
                return Page.Render<SuggestPage>(context, new { Journey = stored, Report = report, Error = "The suggestions cannot be added automatically: " + e.Message + "." }, StatusCodes.Status422UnprocessableEntity);
            }

            var message = $"Add suggested interventions: {string.Join(", ", chosen.Select(s => s.Intervention.Id))}";
            return Editing.EditingEndpoints.Editor(context, stored, merged, latest.Version, message);
        });
    }

    private sealed record Run(SuggestionReport? Report, string? Error, Trailmap.Journeys.Model.Journey? Journey, Trailmap.Events.EventLog? Log);

    private static async Task<Run> RunAsync(JourneyStore journeys, StoredJourney stored, EventData data, CancellationToken cancel)
    {
        var journey = JourneyStore.Parse(journeys.Latest(stored).Yaml).Journey!;
        var properties = AutomationProperties.Used(journey).Concat(JourneyAnalyzer.PropertiesUsed(journey)).ToHashSet(StringComparer.Ordinal);
        var log = await data.LogAsync(properties, cancel).ConfigureAwait(false);
        if (log.EventCount == 0)
        {
            return new Run(null, "There are no events to measure the journey on yet; import some (Import data), then ask for suggestions again.", journey, log);
        }

        // Measuring and one backtest per proposal: CPU work, kept off the request thread's pool slot.
        var report = await Task.Run(() => InterventionSuggester.Suggest(journey, log, new SuggestOptions(), cancel), cancel).ConfigureAwait(false);
        return new Run(report, null, journey, log);
    }
}
