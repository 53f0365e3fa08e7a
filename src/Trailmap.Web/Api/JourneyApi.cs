using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Export;
using Trailmap.Journeys;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Exports;
using Trailmap.Web.Journeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Api;

/// <summary>Journeys through the REST API: list, create, read, update with optimistic concurrency, versions, render.</summary>
internal static class JourneyApi
{
    // Saves through the API check If-Match and save under one lock, so two clients holding the same version
    // cannot both pass the check; the workspace is one process, so a process-wide lock is enough.
    private static readonly SemaphoreSlim Writes = new(1, 1);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/journeys", (JourneyStore journeys) => ApiResults.Json(journeys.All().Select(JourneySummary.Of).ToList()))
            .WithSummary("List the journeys")
            .WithDescription("Every journey in the workspace with its latest version, ordered by title.")
            .Produces<List<JourneySummary>>();

        api.MapPost("/journeys", async (HttpContext context, JourneyStore journeys) =>
        {
            var (yaml, message, problem) = await JourneyRequestBody.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            try
            {
                var stored = journeys.Create(yaml, Actor.Of(context.User), string.IsNullOrWhiteSpace(message) ? "Created" : message.Trim());
                SetETag(context, stored.Version);
                context.Response.Headers.Location = "/api/journeys/" + stored.Slug;
                return ApiResults.Json(JourneyDetail.Of(stored, journeys.Latest(stored)), StatusCodes.Status201Created);
            }
            catch (JourneyValidationException e)
            {
                return ApiResults.Invalid(e.File);
            }
        })
            .RequireAuthorization(Policies.Editor)
            .WithMetadata(new JourneyBodyMetadata())
            .WithSummary("Create a journey from YAML")
            .WithDescription("The body is the journey's YAML (text/yaml or application/x-yaml; ?message= names the version) or JSON {\"yaml\": \"...\", \"message\": \"...\"}. The slug is the journey's id, with -2, -3... when taken. 422 lists the YAML's errors with line and column; nothing is saved then.")
            .Produces<JourneyDetail>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/journeys/{slug}", (HttpContext context, string slug, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return ApiResults.NoJourney(slug);
            }

            SetETag(context, stored.Version);
            return ApiResults.Json(JourneyDetail.Of(stored, journeys.Latest(stored)));
        })
            .WithSummary("Get a journey: metadata, YAML and version")
            .WithDescription("The ETag header is the version in quotes; send it back as If-Match with PUT to save only if nobody saved since.")
            .Produces<JourneyDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPut("/journeys/{slug}", async (HttpContext context, string slug, JourneyStore journeys) =>
        {
            var (yaml, message, problem) = await JourneyRequestBody.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (!TryIfMatch(context.Request, out var expected))
            {
                return ApiResults.Bad("If-Match must be the journey's version from GET (its ETag), e.g. If-Match: \"3\", or * for any version.");
            }

            await Writes.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            try
            {
                if (journeys.Find(slug) is not { } stored)
                {
                    return ApiResults.NoJourney(slug);
                }

                if (expected is { } v && v != stored.Version)
                {
                    SetETag(context, stored.Version);
                    return Results.Problem(
                        title: "The journey changed since you read it",
                        detail: $"Journey {slug} is at version {stored.Version} (last saved by {stored.UpdatedBy}), not {v} as If-Match says. Nothing was saved: GET it again, apply your change to that text and retry.",
                        statusCode: StatusCodes.Status412PreconditionFailed);
                }

                // The store re-checks the version inside its transaction, which also covers saves from the editor pages.
                var saved = journeys.Save(stored, yaml, Actor.Of(context.User), message ?? "", expectedVersion: expected);
                SetETag(context, saved.Version);
                return ApiResults.Json(JourneyDetail.Of(saved, journeys.Latest(saved)));
            }
            catch (JourneyValidationException e)
            {
                return ApiResults.Invalid(e.File);
            }
            catch (JourneyConflictException e)
            {
                SetETag(context, e.Latest);
                return Results.Problem(
                    title: "The journey changed since you read it",
                    detail: e.Message,
                    statusCode: StatusCodes.Status412PreconditionFailed);
            }
            finally
            {
                Writes.Release();
            }
        })
            .RequireAuthorization(Policies.Editor)
            .WithMetadata(new JourneyBodyMetadata())
            .WithSummary("Save a new version of a journey")
            .WithDescription("The body as for POST /api/journeys. With If-Match: \"N\" the save happens only when N is still the latest version, else 412. Text equal to the latest version saves nothing and returns it unchanged.")
            .Produces<JourneyDetail>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapDelete("/journeys/{slug}", (string slug, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return ApiResults.NoJourney(slug);
            }

            journeys.Delete(stored);
            return Results.NoContent();
        })
            .RequireAuthorization(Policies.Editor)
            .WithSummary("Delete a journey")
            .WithDescription("The journey leaves the list and its address answers 404; its versions stay in the store.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/journeys/{slug}/versions", (string slug, JourneyStore journeys) =>
            journeys.Find(slug) is not { } stored
                ? ApiResults.NoJourney(slug)
                : ApiResults.Json(journeys.Versions(stored.Id).Select(VersionSummary.Of).ToList()))
            .WithSummary("List a journey's versions, newest first")
            .Produces<List<VersionSummary>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/journeys/{slug}/versions/{version:int}", (string slug, int version, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return ApiResults.NoJourney(slug);
            }

            return journeys.Version(stored.Id, version) is { } v
                ? ApiResults.Json(VersionDetail.Of(v))
                : NoVersion(stored, version);
        })
            .WithSummary("Get one version of a journey with its YAML")
            .Produces<VersionDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/journeys/{slug}/versions/{version:int}/revert", (HttpContext context, string slug, int version, JourneyStore journeys) =>
        {
            if (journeys.Find(slug) is not { } stored)
            {
                return ApiResults.NoJourney(slug);
            }

            if (journeys.Version(stored.Id, version) is null)
            {
                return NoVersion(stored, version);
            }

            var saved = journeys.Revert(stored, version, Actor.Of(context.User));
            SetETag(context, saved.Version);
            return ApiResults.Json(JourneyDetail.Of(saved, journeys.Latest(saved)));
        })
            .RequireAuthorization(Policies.Editor)
            .WithSummary("Revert a journey to an old version")
            .WithDescription("Saves the old version's text as the newest version; history is kept. Reverting to the text the journey already has saves nothing.")
            .Produces<JourneyDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/validate", async (HttpContext context) =>
        {
            var (yaml, _, problem) = await JourneyRequestBody.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            return problem ?? ApiResults.Json(ValidationReport.Of(JourneyFile.FromText(yaml, "journey.yaml")));
        })
            .WithMetadata(new JourneyBodyMetadata())
            .WithSummary("Validate journey YAML without saving it")
            .WithDescription("Answers 200 with valid, the error and warning counts and every diagnostic (severity, code, message, line, column), whether or not the YAML is valid.")
            .Produces<ValidationReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        api.MapGet("/journeys/{slug}/render", async (
            HttpContext context,
            string slug,
            [Description("html, svg, md, mermaid, csv, json, pdf or png (pdf and png need Chromium on the server)")] string? format,
            [Description("The version to render; the latest when absent")] int? version,
            JourneyStore journeys,
            AnalysisService analysis,
            ExportService exports,
            Interventions.LiftService lift) =>
        {
            if (ExportService.ParseFormat(format ?? "html") is not { } f)
            {
                return ApiResults.Bad($"format: '{format}' is not a format; use html, svg, md, mermaid, csv, json, pdf or png.");
            }

            if (await MeasureAsync(context, slug, version, journeys, analysis).ConfigureAwait(false) is not { } measured)
            {
                return NotFound(slug, version, journeys);
            }

            measured = await lift.WithLiftAsync(measured, context.RequestAborted).ConfigureAwait(false);
            try
            {
                var file = await exports.ExportAsync(measured, f, PageSize.A3, context.RequestAborted).ConfigureAwait(false);
                return Results.File(file.Bytes, file.ContentType, file.FileName);
            }
            catch (ExportException e)
            {
                return ApiResults.Bad(e.Message, StatusCodes.Status503ServiceUnavailable);
            }
        })
            .WithSummary("Render a journey map with its measured actuals")
            .WithDescription("The same renderers as trailmap render, with the actuals from the workspace's events filled in. Sent as an attachment named SLUG-vN.EXT.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html", additionalContentTypes: ["image/svg+xml", "text/markdown", "text/plain", "text/csv", "application/json", "application/pdf", "image/png"])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The journey (at <paramref name="version"/>, else its latest) measured, or null when either does not exist.</summary>
    public static async Task<MeasuredJourney?> MeasureAsync(HttpContext context, string slug, int? version, JourneyStore journeys, AnalysisService analysis)
    {
        if (journeys.Find(slug) is not { } stored)
        {
            return null;
        }

        var v = version is { } n ? journeys.Version(stored.Id, n) : journeys.Latest(stored);
        return v is null ? null : await analysis.MeasureAsync(stored, v, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The 404 for a missing journey, or for a missing version of one that exists.</summary>
    public static IResult NotFound(string slug, int? version, JourneyStore journeys) =>
        journeys.Find(slug) is { } stored && version is { } v ? NoVersion(stored, v) : ApiResults.NoJourney(slug);

    private static IResult NoVersion(StoredJourney journey, int version) => Results.Problem(
        title: "No such version",
        detail: $"Journey {journey.Slug} has versions 1 to {journey.Version}, not {version}; GET /api/journeys/{journey.Slug}/versions lists them.",
        statusCode: StatusCodes.Status404NotFound);

    private static void SetETag(HttpContext context, int version) =>
        context.Response.Headers.ETag = "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>Reads If-Match: absent or * is null (no check); "3", W/"3" or 3 is 3; anything else is false.</summary>
    private static bool TryIfMatch(HttpRequest request, out int? version)
    {
        version = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return true;
        }

        var text = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (int.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            version = n;
            return true;
        }

        return false;
    }
}

/// <summary>Marks an endpoint whose body is a journey (YAML or JSON); <see cref="ApiDocument"/> describes both forms.</summary>
internal sealed class JourneyBodyMetadata;

/// <summary>
/// Names the JSON body an endpoint reads itself, for the document only. Accepts() would say the same but also make
/// routing answer 415 before authorization and without a message; the endpoint's own check says what to send.
/// </summary>
internal sealed record JsonBodyMetadata(Type Type);
