using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Schema;
using Trailmap.Journeys.Validation;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Editing;

/// <summary>
/// The journey editor (YAML with live preview), the stage card form, version history with diffs and revert, and
/// deleting a journey. Reading is for every member; every change needs the editor role.
/// </summary>
public static class EditingEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var journey = routes.MapGroup("/journeys/{slug}").RequireAuthorization(Policies.Viewer).ExcludeFromDescription();
        MapEditor(journey);
        MapStageForm(journey);
        MapHistory(journey);

        // The journey format's JSON Schema, which the editor completes keys and values from.
        routes.MapGet("/journey.schema.json", () => Results.Text(JourneySchema.Json, "application/json; charset=utf-8"))
            .RequireAuthorization(Policies.Viewer).ExcludeFromDescription();
    }

    private static void MapEditor(RouteGroupBuilder journey)
    {
        journey.MapGet("/edit", (HttpContext context, string slug, JourneyStore journeys) =>
            journeys.Find(slug) is { } stored
                ? Editor(context, stored, journeys.Latest(stored).Yaml, stored.Version)
                : JourneyPages.NotFound(context, slug));

        journey.MapPost("/edit", (HttpContext context, string slug, JourneyStore journeys,
            [FromForm] string? yaml, [FromForm] string? message, [FromForm] int? baseVersion, [FromForm] string? action) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var text = VersionedSave.Normalize(yaml);
            message ??= "";
            if (action != "save")
            {
                return Editor(context, stored, text, baseVersion ?? stored.Version, message);
            }

            var outcome = VersionedSave.Save(journeys, slug, baseVersion ?? 0, text, Actor.Of(context.User), message);
            return outcome switch
            {
                SaveOutcome.Saved s => Results.Redirect($"/journeys/{slug}/edit?notice=" + Uri.EscapeDataString($"Saved version {s.Journey.Version}.")),
                SaveOutcome.Unchanged => Results.Redirect($"/journeys/{slug}/edit?notice=" + Uri.EscapeDataString("The text is the same as the latest version, so no version was saved.")),
                SaveOutcome.Invalid i => Editor(context, stored, text, baseVersion ?? stored.Version, message, i.File,
                    error: $"Nothing was saved: the text has {Errors(i.File)}. Your text is below as you wrote it; fix the problems listed under it (select a line:column to go there) and save again.",
                    status: StatusCodes.Status422UnprocessableEntity),
                SaveOutcome.Conflict c => Editor(context, c.Latest, text, c.Latest.Version, message,
                    conflict: Conflict(journeys, c.Latest, baseVersion),
                    error: $"Nothing was saved: someone saved version {c.Latest.Version} after you opened version {baseVersion}. Your text is kept below.",
                    status: StatusCodes.Status409Conflict),
                _ => JourneyPages.NotFound(context, slug),
            };
        }).RequireAuthorization(Policies.Editor);

        // What the editor's script asks for as the user types: the text's problems (its markers), the map the text
        // draws when it has no errors (the live preview), and the ids it defines (completion where a reference goes).
        journey.MapPost("/preview", (string slug, JourneyStore journeys, [FromForm] string? yaml) =>
        {
            return journeys.Find(slug) is null ? Results.NotFound() : PreviewAnswer(yaml);
        }).RequireAuthorization(Policies.Editor);
    }

    /// <summary>
    /// The editor script's answer for a text: its problems, the map it draws (null while it has errors) and the ids
    /// it defines. Shared by the journey editor and the review editor of a proposed journey (draft, discovery).
    /// </summary>
    internal static IResult PreviewAnswer(string? yaml)
    {
        var file = JourneyFile.FromText(VersionedSave.Normalize(yaml));
        return Results.Json(new
        {
            diagnostics = file.Diagnostics.Select(d => new
            {
                line = d.Location.Line,
                column = d.Location.Column,
                code = d.Code,
                severity = d.Severity == Severity.Error ? "error" : "warning",
                message = d.Message,
            }),
            html = Preview(file),
            ids = file.Journey is { } j ? Ids(j) : null,
        });
    }

    private static void MapStageForm(RouteGroupBuilder journey)
    {
        journey.MapGet("/stages/{stageId}/edit", (HttpContext context, string slug, string stageId, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var parsed = JourneyStore.Parse(journeys.Latest(stored).Yaml).Journey!;
            return parsed.FindStage(stageId) is { } stage
                ? StageForm(context, stored, stage.Id, stage.Name, StageCards.From(stage), stored.Version, parsed.EmotionScale.ToString())
                : NoStage(context, stored, stageId);
        }).RequireAuthorization(Policies.Editor);

        journey.MapPost("/stages/{stageId}/edit", (HttpContext context, string slug, string stageId, JourneyStore journeys, IFormCollection form) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var latest = journeys.Latest(stored);
            var parsed = JourneyStore.Parse(latest.Yaml).Journey!;
            if (parsed.FindStage(stageId) is not { } stage)
            {
                return NoStage(context, stored, stageId);
            }

            var cards = StageCards.From(form);
            var message = form["message"].FirstOrDefault() ?? "";
            var baseVersion = int.TryParse(form["baseVersion"].FirstOrDefault(), out var b) ? b : (int?)null;
            var scale = parsed.EmotionScale.ToString();
            IResult Again(int status, IReadOnlyList<string>? errors = null, IReadOnlyList<Diagnostic>? diagnostics = null, EditConflict? conflict = null) =>
                StageForm(context, stored, stage.Id, stage.Name, cards, stored.Version, scale, message, errors, diagnostics, conflict, status);

            if (baseVersion != stored.Version)
            {
                var conflict = Conflict(journeys, stored, baseVersion);
                return Again(
                    StatusCodes.Status409Conflict,
                    errors: conflict is null ? ["The form does not say which version of the journey it edits; open the stage form again."] : null,
                    conflict: conflict);
            }

            var (edited, errors) = cards.Read(stage.Id);
            if (edited is null)
            {
                return Again(StatusCodes.Status422UnprocessableEntity, errors: errors);
            }

            var text = StageYamlEdit.Apply(latest.Yaml, stage, edited);
            var file = JourneyFile.FromText(text);
            if (file.HasErrors || file.Journey?.FindStage(stage.Id) is not { } after)
            {
                return Again(StatusCodes.Status422UnprocessableEntity, diagnostics: [.. file.Diagnostics.Where(d => d.Severity == Severity.Error)]);
            }

            // The edit must read back as exactly the cards asked for; anything else is a bug, not the user's mistake.
            if (StageYamlEdit.Apply(text, after, edited) != text)
            {
                throw new InvalidOperationException($"the stage form's edit of {slug}/{stage.Id} did not read back as written");
            }

            var commit = string.IsNullOrWhiteSpace(message) ? $"Edited stage {edited.Name}" : message;
            return VersionedSave.Save(journeys, slug, stored.Version, text, Actor.Of(context.User), commit) switch
            {
                SaveOutcome.Saved s => Results.Redirect($"/journeys/{slug}/edit?notice=" + Uri.EscapeDataString($"Saved stage “{edited.Name}” as version {s.Journey.Version}.")),
                SaveOutcome.Unchanged => Results.Redirect($"/journeys/{slug}/stages/{stage.Id}/edit?notice=" + Uri.EscapeDataString("Nothing changed, so no version was saved.")),
                SaveOutcome.Conflict c => Again(StatusCodes.Status409Conflict, conflict: Conflict(journeys, c.Latest, stored.Version)),
                SaveOutcome.Invalid i => Again(StatusCodes.Status422UnprocessableEntity, diagnostics: [.. i.File.Diagnostics.Where(d => d.Severity == Severity.Error)]),
                _ => JourneyPages.NotFound(context, slug),
            };
        }).RequireAuthorization(Policies.Editor);
    }

    private static void MapHistory(RouteGroupBuilder journey)
    {
        journey.MapGet("/history", (HttpContext context, string slug, JourneyStore journeys) =>
            journeys.Find(slug) is { } stored
                ? Page.Render<HistoryPage>(context, new { Journey = stored, Versions = journeys.Versions(stored.Id) })
                : JourneyPages.NotFound(context, slug));

        journey.MapGet("/history/{version:int}", (HttpContext context, string slug, int version, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            return journeys.Version(stored.Id, version) is { } v
                ? Page.Render<VersionPage>(context, new { Journey = stored, Version = v })
                : NoVersion(context, stored, version);
        });

        journey.MapGet("/diff", (HttpContext context, string slug, int? from, int? to, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            var toVersion = to ?? stored.Version;
            var fromVersion = from ?? Math.Max(1, toVersion - 1);
            if (journeys.Version(stored.Id, fromVersion) is not { } a)
            {
                return NoVersion(context, stored, fromVersion);
            }

            return journeys.Version(stored.Id, toVersion) is { } b
                ? Page.Render<DiffPage>(context, new { Journey = stored, Versions = journeys.Versions(stored.Id), From = a, To = b })
                : NoVersion(context, stored, toVersion);
        });

        journey.MapPost("/history/{version:int}/revert", (HttpContext context, string slug, int version, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            if (journeys.Version(stored.Id, version) is null)
            {
                return NoVersion(context, stored, version);
            }

            var notice = VersionedSave.Revert(journeys, slug, version, Actor.Of(context.User)) switch
            {
                SaveOutcome.Saved s => $"Saved version {s.Journey.Version} with the text of version {version}.",
                SaveOutcome.Unchanged => $"The latest version already has the text of version {version}; nothing was saved.",
                _ => null,
            };
            return notice is null ? JourneyPages.NotFound(context, slug) : Results.Redirect($"/journeys/{slug}/history?notice=" + Uri.EscapeDataString(notice));
        }).RequireAuthorization(Policies.Editor);

        journey.MapPost("/delete", (HttpContext context, string slug, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return JourneyPages.NotFound(context, slug);
            }

            journeys.Delete(stored);
            return Results.Redirect("/journeys?notice=" + Uri.EscapeDataString($"Deleted the journey “{stored.Title}”."));
        }).RequireAuthorization(Policies.Editor);
    }

    internal static IResult Editor(
        HttpContext context, StoredJourney stored, string yaml, int baseVersion, string message = "", JourneyFile? file = null,
        EditConflict? conflict = null, string? error = null, int status = StatusCodes.Status200OK)
    {
        file ??= JourneyFile.FromText(yaml);
        var stages = file.Journey?.Stages.Select(s => (s.Id, s.Name)).ToList() ?? [];
        var preview = Preview(file);
        int? previewVersion = null;
        if (preview is null)
        {
            // Text with errors draws no map, so the preview shows the latest saved version's (saved text always
            // validates): a refused save or a failed check keeps a map on screen rather than a blank frame.
            var latest = context.RequestServices.GetRequiredService<JourneyStore>().Latest(stored);
            preview = Preview(JourneyFile.FromText(latest.Yaml));
            previewVersion = preview is null ? null : latest.Version;
        }

        return Page.Render<EditorPage>(
            context,
            new
            {
                Journey = stored,
                Yaml = yaml,
                BaseVersion = baseVersion,
                Message = message,
                file.Diagnostics,
                PreviewHtml = preview,
                PreviewVersion = previewVersion,
                Error = error,
                Conflict = conflict,
                Stages = stages,
            },
            status);
    }

    private static IResult StageForm(
        HttpContext context, StoredJourney stored, string stageId, string stageName, StageCards cards, int baseVersion, string scale, string message = "",
        IReadOnlyList<string>? errors = null, IReadOnlyList<Diagnostic>? diagnostics = null, EditConflict? conflict = null, int status = StatusCodes.Status200OK) =>
        Page.Render<StageEditPage>(
            context,
            new
            {
                Journey = stored,
                StageId = stageId,
                StageName = stageName,
                Cards = cards,
                BaseVersion = baseVersion,
                Scale = scale,
                Message = message,
                Errors = errors ?? [],
                Diagnostics = diagnostics ?? [],
                Conflict = conflict,
            },
            status);

    /// <summary>The map the text draws, without measured data; none while the text has errors.</summary>
    private static string? Preview(JourneyFile file) =>
        file.HasErrors || file.Journey is null ? null : HtmlRenderer.Render(file.Journey);

    /// <summary>The ids a journey defines that other keys refer to, for the editor's completion.</summary>
    private static object Ids(Journey journey) => new
    {
        stages = journey.Stages.Select(s => s.Id),
        kpis = journey.Stages.SelectMany(s => s.Kpis).Concat(journey.Metrics).Select(m => m.Id).Distinct(StringComparer.Ordinal),
        touchpoints = journey.Stages.SelectMany(s => s.Touchpoints).Select(t => t.Id).Distinct(StringComparer.Ordinal),
        moments = journey.MomentsOfTruth.Select(m => m.Id),
    };

    private static EditConflict? Conflict(JourneyStore journeys, StoredJourney latest, int? baseVersion) =>
        baseVersion is { } v && journeys.Version(latest.Id, v) is { } older && v < latest.Version
            ? new EditConflict(older, journeys.Latest(latest))
            : null;

    private static string Errors(JourneyFile file) =>
        file.Diagnostics.Count(d => d.Severity == Severity.Error) is var n && n == 1 ? "1 error" : $"{n} errors";

    private static IResult NoStage(HttpContext context, StoredJourney stored, string stageId) => Page.Render<MessagePage>(
        context,
        new { Heading = "No such stage", Message = $"The journey \"{stored.Title}\" has no stage \"{stageId}\" in its latest version.", Link = $"/journeys/{stored.Slug}/edit", LinkText = "Open the editor" },
        StatusCodes.Status404NotFound);

    private static IResult NoVersion(HttpContext context, StoredJourney stored, int version) => Page.Render<MessagePage>(
        context,
        new { Heading = "No such version", Message = $"The journey \"{stored.Title}\" has no version {version}; its versions run from 1 to {stored.Version}.", Link = $"/journeys/{stored.Slug}/history", LinkText = "See its history" },
        StatusCodes.Status404NotFound);
}
