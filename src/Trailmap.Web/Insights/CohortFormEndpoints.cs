using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Journeys;
using Trailmap.Journeys.Validation;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Editing;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Insights;

/// <summary>
/// The form that defines a cohort on the web (editors): it writes the cohort into the journey file's
/// <c>cohorts:</c> section, where the CLI, the funnel and retention pages, personas and rules read it, as a new version.
/// </summary>
public static class CohortFormEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var journey = routes.MapGroup("/journeys/{slug}/cohorts/new").RequireAuthorization(Policies.Editor).ExcludeFromDescription();

        // ?stage=ID&show=stuck|converted starts a saved list of the customers a stage page lists (all of them, not a page).
        journey.MapGet("", async (HttpContext context, string slug, JourneyStore journeys, AnalysisService analysis) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var stageId = context.Request.Query["stage"].FirstOrDefault();
            if (string.IsNullOrEmpty(stageId))
            {
                return Form(context, stored, new CohortForm(), stored.Version);
            }

            var show = context.Request.Query["show"].FirstOrDefault();
            if (show is not (null or "" or "stuck" or "converted"))
            {
                return Form(context, stored, new CohortForm(), stored.Version, status: StatusCodes.Status400BadRequest,
                    problem: $"show: \"{show}\" is not a list; use stuck (reached the stage, not the next) or converted (went on to the next).");
            }

            var measured = await analysis.MeasureAsync(stored, journeys.Latest(stored), context.RequestAborted).ConfigureAwait(false);
            if (StageDrillDown.Build(measured, measured.Measurement.Entries, stageId, page: null, converted: show == "converted") is not { } drill)
            {
                return Form(context, stored, new CohortForm(), stored.Version, status: StatusCodes.Status404NotFound,
                    problem: $"stage: the journey has no stage with the id \"{stageId}\".");
            }

            var converted = show == "converted";
            var ids = converted ? drill.Converted.Select(m => m.Customer) : drill.Stuck.Select(s => s.Customer);
            var id = $"{(converted ? "went-on-from" : "stuck-at")}-{drill.Stage.Id}";
            var form = new CohortForm
            {
                Id = measured.Journey.FindCohort(id) is null ? id : "",
                Name = converted ? $"Went on from {drill.Stage.Name}" : $"Stuck at {drill.Stage.Name}",
                Kind = "list",
                Ids = string.Join('\n', ids),
            };
            return Form(context, stored, form, stored.Version);
        });

        journey.MapPost("", (HttpContext context, string slug, JourneyStore journeys, IFormCollection posted) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var form = CohortForm.From(posted);
            var latest = journeys.Latest(stored);
            var parsed = JourneyStore.Parse(latest.Yaml).Journey!;
            if (!int.TryParse(posted["baseVersion"].FirstOrDefault(), out var baseVersion) || baseVersion != stored.Version)
            {
                return Form(context, stored, form, stored.Version, status: StatusCodes.Status409Conflict,
                    problem: $"The journey was saved as version {stored.Version} while you filled in the form; nothing of yours was saved. Check your cohort against the journey's cohorts and save again: the form now builds on version {stored.Version}.");
            }

            var errors = form.Check(parsed);
            if (errors.Count > 0)
            {
                return Form(context, stored, form, baseVersion, errors, status: StatusCodes.Status422UnprocessableEntity);
            }

            string text;
            try
            {
                text = CohortYamlEdit.Add(latest.Yaml, form.Entry);
            }
            catch (CohortEditException e)
            {
                return Form(context, stored, form, baseVersion, status: StatusCodes.Status422UnprocessableEntity, problem: e.Message);
            }

            var file = JourneyFile.FromText(text);
            if (file.HasErrors || file.Journey?.FindCohort(form.Id) is null)
            {
                return Form(context, stored, form, baseVersion, status: StatusCodes.Status422UnprocessableEntity,
                    diagnostics: [.. file.Diagnostics.Where(d => d.Severity == Severity.Error)]);
            }

            return VersionedSave.Save(journeys, slug, baseVersion, text, Actor.Of(context.User), $"Added cohort {form.Id}") switch
            {
                SaveOutcome.Saved s => Results.Redirect($"/journeys/{slug}/cohorts?notice=" + Uri.EscapeDataString($"Added the cohort “{form.Name.Length switch { 0 => form.Id, _ => form.Name }}” as version {s.Journey.Version}.")),
                SaveOutcome.Conflict c => Form(context, c.Latest, form, c.Latest.Version, status: StatusCodes.Status409Conflict,
                    problem: $"The journey was saved as version {c.Latest.Version} meanwhile; nothing of yours was saved. Save again to add the cohort to that version."),
                SaveOutcome.Invalid i => Form(context, stored, form, baseVersion, status: StatusCodes.Status422UnprocessableEntity,
                    diagnostics: [.. i.File.Diagnostics.Where(d => d.Severity == Severity.Error)]),
                SaveOutcome.Unchanged => Results.Redirect($"/journeys/{slug}/cohorts"),
                _ => JourneyPages.NotFound(context, slug),
            };
        });
    }

    private static IResult Form(
        HttpContext context, StoredJourney stored, CohortForm form, int baseVersion, IReadOnlyDictionary<string, string>? errors = null,
        int status = StatusCodes.Status200OK, string? problem = null, IReadOnlyList<Diagnostic>? diagnostics = null) =>
        Page.Render<CohortFormPage>(
            context,
            new
            {
                Journey = stored,
                Form = form,
                BaseVersion = baseVersion,
                Errors = errors ?? new Dictionary<string, string>(),
                Problem = problem,
                Diagnostics = diagnostics ?? [],
            },
            status);
}
