using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Journeys;
using Trailmap.Journeys.Validation;
using Trailmap.Web.Accounts;
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

        journey.MapGet("", (HttpContext context, string slug, JourneyStore journeys) =>
            journeys.Find(slug) is { } stored
                ? Form(context, stored, new CohortForm(), stored.Version)
                : JourneyPages.NotFound(context, slug));

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
