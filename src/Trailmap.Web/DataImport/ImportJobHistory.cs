using System.Text.Json;
using System.Text.Json.Serialization;
using Trailmap.Web.State;

namespace Trailmap.Web.DataImport;

/// <summary>
/// The import page's list of recent jobs, kept in the workspace file so a restart does not make finished imports
/// (and their rejected rows) vanish from the page. A job the restart interrupted is listed as failed with what
/// happened: the importer runs in one transaction, so none of its events were stored.
/// </summary>
internal sealed class ImportJobHistory
{
    /// <summary>How many jobs are listed; older rows are deleted as new ones arrive.</summary>
    public const int Kept = 10;

    /// <summary>Enough rejected rows for the job page (it shows 50, and says so when there were more).</summary>
    private const int KeptRejects = ImportJobPage.ShownRejects + 1;

    internal const string Interrupted =
        "The server stopped while this import ran. An import is one transaction, so none of its events were stored: upload the file again.";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly WorkspaceDb db;
    private readonly TimeProvider time;

    public ImportJobHistory(WorkspaceDb db, TimeProvider time)
    {
        this.db = db;
        this.time = time;
        db.Ensure(
            """
            CREATE TABLE IF NOT EXISTS import_jobs (
                id VARCHAR PRIMARY KEY,
                file_name VARCHAR NOT NULL,
                started_by VARCHAR NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                status_json VARCHAR NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL)
            """);
    }

    /// <summary>The kept jobs, newest first; jobs a stop interrupted are marked failed, here and in the table.</summary>
    public IReadOnlyList<ImportJob> Load()
    {
        var jobs = db.Query(
            "SELECT id, file_name, started_by, started_at, status_json FROM import_jobs ORDER BY started_at DESC, id LIMIT $n",
            r =>
            {
                var job = new ImportJob(r.GetString(0), r.GetString(2), WorkspaceDb.Utc(r, 3))
                {
                    FileName = r.GetString(1),
                };
                job.Set(JsonSerializer.Deserialize<ImportStatus>(r.GetString(4), Json)!);
                return job;
            },
            ("n", Kept));
        foreach (var job in jobs.Where(j => !j.Done))
        {
            job.Set(job.Status with { State = ImportState.Failed, Error = Interrupted });
            Record(job);
        }

        return jobs;
    }

    /// <summary>Writes the job's current status, and forgets jobs beyond the newest <see cref="Kept"/>.</summary>
    public void Record(ImportJob job)
    {
        var status = job.Status;
        if (status.Summary is { Rejects.Count: > KeptRejects } summary)
        {
            status = status with { Summary = summary with { Rejects = [.. summary.Rejects.Take(KeptRejects)] } };
        }

        var json = JsonSerializer.Serialize(status, Json);
        db.InTransaction(tx =>
        {
            tx.Execute("DELETE FROM import_jobs WHERE id = $id", ("id", job.Id));
            tx.Execute(
                "INSERT INTO import_jobs VALUES ($id, $file, $by, $at, $json, $now)",
                ("id", job.Id), ("file", job.FileName), ("by", job.StartedBy), ("at", job.StartedAt), ("json", json), ("now", time.GetUtcNow()));
            tx.Execute(
                "DELETE FROM import_jobs WHERE id NOT IN (SELECT id FROM import_jobs ORDER BY started_at DESC, id LIMIT $n)",
                ("n", Kept));
            return 0;
        });
    }
}
