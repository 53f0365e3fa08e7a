using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Trailmap.Events;
using Trailmap.Web.Accounts;
using Trailmap.Web.Shell;

namespace Trailmap.Web.DataImport;

/// <summary>
/// /import: upload an events file, import it in the background, watch its progress and read what it did.
/// Editors only: an import changes every journey's numbers.
/// </summary>
public static class ImportEndpoints
{
    /// <summary>The formats the form offers; the importer's own names.</summary>
    public static readonly (string Value, string Label)[] Formats =
        [("auto", "Detect from the file name and content"), ("csv", "CSV"), ("jsonl", "JSON Lines (plain or Segment messages)"), ("parquet", "Parquet")];

    /// <summary>The column roles the form can map, as <c>trailmap import --map ROLE=COLUMN</c> names them.</summary>
    public static readonly (string Role, string Label, string Detected)[] Roles =
    [
        ("customer_id", "Customer id column", "user_id, userId, customer_id, ..."),
        ("event", "Event name column", "event, event_type, event_name, ..."),
        ("timestamp", "Timestamp column", "timestamp, ts, event_time, time, ..."),
        ("message_id", "Message id column (for dedupe)", "message_id, messageId, event_id, id"),
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        var import = routes.MapGroup("/import").RequireAuthorization(Policies.Editor).ExcludeFromDescription();

        import.MapGet("/", (HttpContext context, ImportJobs jobs, WorkspaceOptions options) => Form(context, jobs, options));

        import.MapPost("/", async (HttpContext context, ImportJobs jobs, WorkspaceOptions options) =>
        {
            if (jobs.TryBegin(Actor.Of(context.User), out var busy) is not { } job)
            {
                return Form(context, jobs, options, BusyMessage(busy), StatusCodes.Status409Conflict);
            }

            var dir = Directory.CreateTempSubdirectory("trailmap-import-").FullName;
            ImportUploadException? refused = null;
            try
            {
                var upload = await ImportUpload.ReadAsync(context, dir, options.MaxImportBytes).ConfigureAwait(false);
                var importOptions = Options(upload.Fields, upload.Path);
                job.FileName = upload.FileName;
                jobs.Start(job, upload.Path, dir, importOptions);
                return Results.Redirect("/import/jobs/" + job.Id);
            }
            catch (ImportUploadException e)
            {
                refused = e;
            }
            finally
            {
                // Any way out but a started import frees the slot and deletes what arrived of the file.
                if (job.Status.State == ImportState.Receiving)
                {
                    jobs.Abandon(job);
                    ImportJobs.TryDelete(dir);
                }
            }

            return Form(context, jobs, options, refused!.Message, refused.Status);
        });

        import.MapGet("/jobs/{id}", (HttpContext context, string id, ImportJobs jobs) =>
            jobs.Find(id) is { } job ? Page.Render<ImportJobPage>(context, new { Job = job }) : NoSuchJob(context));

        // What the job page's script polls; the page itself shows the same numbers without it.
        import.MapGet("/jobs/{id}/status", (string id, ImportJobs jobs) =>
        {
            if (jobs.Find(id) is not { } job)
            {
                return Results.NotFound();
            }

            var s = job.Status;
            return Results.Json(new
            {
                id = job.Id,
                state = s.State.ToString().ToLowerInvariant(),
                done = job.Done,
                rows = s.Rows,
                rowsPerSecond = Math.Round(s.RowsPerSecond),
                elapsedSeconds = Math.Round(s.Elapsed.TotalSeconds, 1),
            });
        });

        import.MapPost("/cancel", (HttpContext context, ImportJobs jobs, [FromForm] string? job) =>
        {
            if (jobs.Find(job ?? "") is not { } found)
            {
                return NoSuchJob(context);
            }

            var notice = jobs.RequestCancel(found) ? "Cancelling: the import stops and rolls back." : "The import had already finished.";
            return Results.Redirect("/import/jobs/" + found.Id + "?notice=" + Uri.EscapeDataString(notice));
        });
    }

    /// <summary>The importer's options from the form's fields, or an upload error saying which field is wrong.</summary>
    internal static ImportOptions Options(IReadOnlyDictionary<string, string> fields, string file)
    {
        string Field(string name) => fields.TryGetValue(name, out var v) ? v.Trim() : "";

        var format = Field("format") switch
        {
            "" or "auto" => ImportFormat.Auto,
            "csv" => ImportFormat.Csv,
            "jsonl" => ImportFormat.Jsonl,
            "parquet" => ImportFormat.Parquet,
            var other => throw new ImportUploadException($"There is no format \"{other}\"; choose auto, csv, jsonl or parquet."),
        };
        var map = Roles.Where(r => Field(r.Role).Length > 0).ToDictionary(r => r.Role, r => Field(r.Role), StringComparer.OrdinalIgnoreCase);
        var constant = Field("constant_event");
        if (constant.Length > 0 && map.ContainsKey("event"))
        {
            throw new ImportUploadException("Give either an event name column or one event name for every row, not both.");
        }

        return new ImportOptions
        {
            Format = format,
            Map = map,
            ConstantEvent = constant.Length > 0 ? constant : null,

            // Next to the upload in its temp folder, deleted with it; the page lists the first rejects instead.
            RejectsPath = file + ".rejects.csv",
        };
    }

    private static IResult Form(HttpContext context, ImportJobs jobs, WorkspaceOptions options, string? error = null, int status = StatusCodes.Status200OK) =>
        Page.Render<ImportPage>(context, new { Current = jobs.Current, Recent = jobs.Recent, Error = error, MaxBytes = options.MaxImportBytes }, status);

    private static string BusyMessage(ImportJob? busy) =>
        busy is null
            ? "Another import is running. Wait for it to finish, then send the file again."
            : $"Another import ({(busy.FileName.Length > 0 ? busy.FileName : "a file still uploading")}, started by {busy.StartedBy} at {busy.StartedAt:HH:mm} UTC) is running; imports run one at a time. Wait for it to finish, then send the file again.";

    private static IResult NoSuchJob(HttpContext context) => Page.Render<MessagePage>(
        context,
        new { Heading = "No such import", Message = "That import is not known here: the server keeps the last few imports until it restarts.", Link = "/import", LinkText = "Back to imports" },
        StatusCodes.Status404NotFound);
}
