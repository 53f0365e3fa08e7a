using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Drafting.Draft;
using Trailmap.Journeys;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Drafting;

/// <summary>
/// "Draft from a brief" in the new-journey flow: a brief (and notes) goes to the model the server was started with,
/// the page shows each step as it streams, and the draft opens in an editor with its diagnostics. Nothing is saved
/// until the member creates the journey from there (POST /journeys/new validates it again).
/// </summary>
public static class DraftEndpoints
{
    /// <summary>The largest draft request (brief, notes and form overhead); larger bodies get 413 before they are read.</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var draft = routes.MapGroup("/journeys/new/draft").RequireAuthorization(Policies.Editor).ExcludeFromDescription();

        draft.MapGet("/", (HttpContext context, DraftJobs jobs) => Form(context, jobs));

        draft.MapPost("/", async (HttpContext context, DraftJobs jobs) =>
        {
            if (context.Request.ContentLength > MaxRequestBytes)
            {
                return Form(context, jobs, error: TooLarge($"{context.Request.ContentLength:N0} bytes"), status: StatusCodes.Status413PayloadTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRequestBytes;
            }

            // The form is read here rather than bound, so the antiforgery token is checked here too.
            DraftInput input;
            string? extendError, chosen;
            try
            {
                await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
                (input, chosen, extendError) = await ReadAsync(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Form(context, jobs, error: TooLarge("more"), status: StatusCodes.Status413PayloadTooLarge);
            }
            catch (AntiforgeryValidationException)
            {
                return Form(context, jobs, error: "This form's security token is missing or stale. Reload the page and send the brief again.", status: StatusCodes.Status400BadRequest);
            }

            if (string.IsNullOrWhiteSpace(input.Brief))
            {
                return Form(context, jobs, input, "Write or upload a brief: the product, its audience and their goals.", StatusCodes.Status422UnprocessableEntity, extend: chosen);
            }

            if (input.Characters > DraftInput.MaxCharacters)
            {
                return Form(context, jobs, input, $"The brief, notes, survey and journey to extend hold {input.Characters:N0} characters, more than the {DraftInput.MaxCharacters:N0} a draft takes; shorten them.", StatusCodes.Status413PayloadTooLarge, extend: chosen);
            }

            if (extendError is not null)
            {
                return Form(context, jobs, input, extendError, StatusCodes.Status422UnprocessableEntity, extend: chosen);
            }

            try
            {
                // The survey's CSV and the journey to extend, checked as the CLI checks them: row and line of a bad CSV record, the first error of a broken journey.
                input.Check();
            }
            catch (DraftException e)
            {
                return Form(context, jobs, input, Sentence(e.Message), StatusCodes.Status422UnprocessableEntity, extend: chosen);
            }

            if (jobs.Model is null)
            {
                // The page explains how to configure a model, and offers the template closest to this brief meanwhile.
                return Form(context, jobs, input, status: StatusCodes.Status422UnprocessableEntity, extend: chosen);
            }

            if (jobs.TryStart(input, Actor.Of(context.User)) is not { } job)
            {
                return Form(context, jobs, input, "As many drafts as the server runs at once are running; wait for one to finish and send the brief again.", StatusCodes.Status409Conflict, extend: chosen);
            }

            return Results.Redirect("/journeys/new/draft/" + job.Id);
        });

        draft.MapGet("/{id}", (HttpContext context, string id, DraftJobs jobs) =>
        {
            if (jobs.Find(id, Actor.Of(context.User)) is not { } job)
            {
                return NoSuchDraft(context);
            }

            var preview = job.Outcome is { State: DraftState.Succeeded, Text: { } yaml } && JourneyFile.FromText(yaml).Journey is { } journey
                ? HtmlRenderer.Render(journey)
                : null;
            return Page.Render<DraftJobPage>(context, new { Job = job, Model = jobs.Model?.Model ?? "", PreviewHtml = preview });
        });

        // What the draft page's script polls; the page shows the same steps without it.
        draft.MapGet("/{id}/status", (HttpContext context, string id, DraftJobs jobs) =>
        {
            if (jobs.Find(id, Actor.Of(context.User)) is not { } job)
            {
                return Results.NotFound();
            }

            return Results.Json(new
            {
                id = job.Id,
                state = job.State.ToString().ToLowerInvariant(),
                done = job.Done,
                steps = job.Steps.Select(s => new { name = s.Name, number = s.Number, of = s.Of, characters = s.Characters, done = s.Done, elapsedSeconds = Math.Round(s.Elapsed.TotalSeconds, 1) }),
            });
        });
    }

    /// <summary>The form as a draft's input, the workspace journey chosen to extend, and why it cannot be used (an unknown slug), if so.</summary>
    private static async Task<(DraftInput Input, string? Chosen, string? ExtendError)> ReadAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var brief = form["brief"].ToString();
        var briefName = "the brief";
        if (form.Files.GetFile("briefFile") is { Length: > 0 } briefFile)
        {
            brief = await ReadTextAsync(briefFile, context.RequestAborted).ConfigureAwait(false);
            briefName = Path.GetFileName(briefFile.FileName);
        }

        var notes = new List<(string, string)>();
        if (form["notes"].ToString() is { Length: > 0 } typed && !string.IsNullOrWhiteSpace(typed))
        {
            notes.Add(("notes", typed));
        }

        if (form.Files.GetFile("notesFile") is { Length: > 0 } notesFile)
        {
            notes.Add((Path.GetFileName(notesFile.FileName), await ReadTextAsync(notesFile, context.RequestAborted).ConfigureAwait(false)));
        }

        (string, string)? survey = form.Files.GetFile("surveyFile") is { Length: > 0 } surveyFile
            ? (Path.GetFileName(surveyFile.FileName), await ReadTextAsync(surveyFile, context.RequestAborted).ConfigureAwait(false))
            : null;

        // An uploaded journey wins over one chosen from the workspace, as an uploaded brief wins over a typed one.
        (string, string)? extend = null;
        string? extendError = null;
        var chosen = form["extend"].ToString() is { Length: > 0 } picked ? picked : null;
        if (form.Files.GetFile("extendFile") is { Length: > 0 } extendFile)
        {
            extend = (Path.GetFileName(extendFile.FileName), await ReadTextAsync(extendFile, context.RequestAborted).ConfigureAwait(false));
        }
        else if (chosen is { } slug)
        {
            var store = context.RequestServices.GetRequiredService<JourneyStore>();
            if (store.Find(slug) is { } stored)
            {
                extend = (stored.Slug + ".yaml", store.Latest(stored).Yaml);
            }
            else
            {
                extendError = $"There is no journey '{slug}' in this workspace to extend; choose one from the list or upload its YAML.";
            }
        }

        return (new DraftInput { Brief = brief, BriefName = briefName, Notes = notes, Survey = survey, Extend = extend }, chosen, extendError);
    }

    private static async Task<string> ReadTextAsync(IFormFile file, CancellationToken cancel)
    {
        using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
        return await reader.ReadToEndAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>The drafter's messages are CLI lines (no final stop, "the ..." in lowercase); the page shows sentences. One that starts with a file name keeps it as is.</summary>
    private static string Sentence(string message) =>
        (message.StartsWith("the ", StringComparison.Ordinal) ? "T" + message[1..] : message).TrimEnd('.') + ".";

    private static string TooLarge(string size) =>
        $"The request holds {size}; a draft takes at most {MaxRequestBytes / 1024:N0} KB of brief, notes, survey and journey to extend ({DraftInput.MaxCharacters:N0} characters). Shorten them.";

    private static IResult Form(HttpContext context, DraftJobs jobs, DraftInput? input = null, string? error = null, int status = StatusCodes.Status200OK, string? extend = null) =>
        Page.Render<DraftPage>(
            context,
            new
            {
                Model = jobs.Model,
                Brief = input?.Brief,
                Notes = input?.Notes.FirstOrDefault(n => n.Name == "notes").Text,
                Journeys = context.RequestServices.GetRequiredService<JourneyStore>().All(),
                Extend = extend,
                Error = error,
                Closest = input is { Brief.Length: > 0 } && jobs.Model is null ? TemplateMatcher.Closest(input.Brief) : null,
            },
            status);

    private static IResult NoSuchDraft(HttpContext context) => Page.Render<MessagePage>(
        context,
        new { Heading = "No such draft", Message = "That draft is not known here: the server keeps your last drafts until it restarts, and only you see yours.", Link = "/journeys/new/draft", LinkText = "Draft from a brief" },
        StatusCodes.Status404NotFound);
}
