using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Editing;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Gallery;

/// <summary>The templates gallery (browse, preview, create a journey from one) and the new-journey-from-YAML page.</summary>
public static class GalleryEndpoints
{
    /// <summary>The largest YAML file /journeys/new takes: the limit of every journey file (the longest template is about 20 KB).</summary>
    public const int MaxYamlBytes = Trailmap.Journeys.Parsing.JourneyLimits.MaxFileBytes;

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/templates", (HttpContext context) => Page.Render<TemplateGalleryPage>(context, new { Cards = TemplateGallery.All }))
            .RequireAuthorization(Policies.Viewer).ExcludeFromDescription();

        // The template drawn by the same renderer as a journey's map, without actuals: what the journey will look like.
        routes.MapGet("/templates/{name}/preview", (HttpContext context, string name) =>
            TemplateCatalog.Find(name) is { } template
                ? Results.Content(HtmlRenderer.Render(JourneyStore.Parse(template.ReadYaml(), template.Name + ".yaml").Journey!), "text/html; charset=utf-8")
                : NoSuchTemplate(context, name))
            .RequireAuthorization(Policies.Viewer).ExcludeFromDescription();

        routes.MapPost("/templates/create", (HttpContext context, JourneyStore journeys, [FromForm] string? template) =>
        {
            if (TemplateCatalog.Find(template ?? "") is not { } found)
            {
                return NoSuchTemplate(context, template ?? "");
            }

            var stored = journeys.Create(found.ReadYaml(), Actor.Of(context.User), $"Created from the template {found.Name}");
            return Results.Redirect(JourneyUrl(stored, $"Created \"{stored.Title}\" from the template {found.Name}. Edit it to use your own event names."));
        }).RequireAuthorization(Policies.Editor).ExcludeFromDescription();

        routes.MapGet("/journeys/new", (HttpContext context) => Page.Render<NewJourneyPage>(context))
            .RequireAuthorization(Policies.Editor).ExcludeFromDescription();

        // The review editor's live check of a proposed journey (a draft, a discovered journey), which is not saved
        // yet: the same answer as a journey's /preview.
        routes.MapPost("/journeys/new/preview", ([FromForm] string? yaml) => EditingEndpoints.PreviewAnswer(yaml))
            .RequireAuthorization(Policies.Editor).ExcludeFromDescription();

        // The file is read from the parsed form rather than bound as IFormFile, which would refuse a form without
        // one (a pasted-only form may be sent url-encoded).
        routes.MapPost("/journeys/new", async (HttpContext context, JourneyStore journeys, [FromForm] string? yaml) =>
        {
            var text = yaml ?? "";
            var file = context.Request.HasFormContentType ? context.Request.Form.Files.GetFile("file") : null;
            if (file is { Length: > 0 })
            {
                if (file.Length > MaxYamlBytes)
                {
                    return NewJourneyError(context, text, $"The file {file.FileName} is {file.Length:N0} bytes; a journey file may be at most {MaxYamlBytes:N0} bytes.", []);
                }

                using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
                text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            }

            // Stored with LF line breaks, as the editor stores every version, whatever the browser or file used.
            text = VersionedSave.Normalize(text);
            if (string.IsNullOrWhiteSpace(text))
            {
                return NewJourneyError(context, text, "Paste the journey's YAML or choose a .yaml file to upload.", []);
            }

            try
            {
                var stored = journeys.Create(text, Actor.Of(context.User), "Created from YAML");
                return Results.Redirect(JourneyUrl(stored, $"Created \"{stored.Title}\"."));
            }
            catch (JourneyValidationException e)
            {
                var problems = e.File.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ToList();
                return NewJourneyError(context, text, $"The journey has {problems.Count} error{(problems.Count == 1 ? "" : "s")}; nothing was saved. Fix them and create it again.", problems);
            }
        }).RequireAuthorization(Policies.Editor).ExcludeFromDescription();
    }

    private static string JourneyUrl(StoredJourney stored, string notice) =>
        "/journeys/" + Uri.EscapeDataString(stored.Slug) + "?notice=" + Uri.EscapeDataString(notice);

    private static IResult NewJourneyError(HttpContext context, string yaml, string error, IReadOnlyList<Trailmap.Journeys.Validation.Diagnostic> problems) =>
        Page.Render<NewJourneyPage>(context, new { Yaml = yaml, Error = error, Problems = problems }, StatusCodes.Status400BadRequest);

    private static IResult NoSuchTemplate(HttpContext context, string name) => Page.Render<MessagePage>(
        context,
        new { Heading = "No such template", Message = $"There is no template \"{name}\". The gallery lists every template there is.", Link = "/templates", LinkText = "See the templates" },
        StatusCodes.Status404NotFound);
}
