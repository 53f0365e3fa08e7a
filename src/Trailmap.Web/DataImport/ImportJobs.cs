using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trailmap.Events;
using Trailmap.Web.Analysis;
using Trailmap.Web.State;

namespace Trailmap.Web.DataImport;

/// <summary>
/// Runs imports uploaded through the page in the background, one at a time. One at a time because the importer
/// holds the event store to itself for the whole transaction, and a second import would only queue behind it
/// while its upload filled the disk. The last few jobs stay listed, and survive a restart (<see cref="ImportJobHistory"/>).
/// </summary>
public sealed class ImportJobs : IAsyncDisposable
{
    /// <summary>How many finished jobs the import page keeps listing.</summary>
    public const int Kept = ImportJobHistory.Kept;

    private readonly Lock gate = new();
    private readonly List<ImportJob> jobs;
    private readonly EventData data;
    private readonly TimeProvider time;
    private readonly ILogger<ImportJobs> logger;
    private readonly ImportJobHistory history;
    private ImportJob? current;

    // db is the node's own file (WorkspaceDb.NodeFile), not the shared workspace: a job imports into this node's
    // events, and at start this node marks its own unfinished jobs as interrupted, never another node's.
    public ImportJobs(EventData data, [FromKeyedServices(WorkspaceDb.NodeFile)] WorkspaceDb db, TimeProvider time, ILogger<ImportJobs> logger)
    {
        this.data = data;
        this.time = time;
        this.logger = logger;
        history = new ImportJobHistory(db, time);
        jobs = [.. history.Load()];
    }

    /// <summary>The job receiving or running now, if any.</summary>
    public ImportJob? Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    public IReadOnlyList<ImportJob> Recent
    {
        get
        {
            lock (gate)
            {
                return [.. jobs];
            }
        }
    }

    public ImportJob? Find(string id)
    {
        lock (gate)
        {
            return jobs.FirstOrDefault(j => j.Id == id);
        }
    }

    /// <summary>Claims the one import slot for an upload about to arrive; null (and the busy job) when another holds it.</summary>
    public ImportJob? TryBegin(string startedBy, out ImportJob? busy)
    {
        lock (gate)
        {
            busy = current;
            if (current is not null)
            {
                return null;
            }

            current = new ImportJob(Guid.NewGuid().ToString("N"), startedBy, time.GetUtcNow());
            return current;
        }
    }

    /// <summary>Gives the slot back when the upload failed before an import started; the job is not listed.</summary>
    public void Abandon(ImportJob job)
    {
        lock (gate)
        {
            if (current == job)
            {
                current = null;
            }
        }
    }

    /// <summary>
    /// Imports <paramref name="file"/> in the background and deletes <paramref name="tempDir"/> (the upload and the
    /// rejects file) when done, whatever happens.
    /// </summary>
    public void Start(ImportJob job, string file, string tempDir, ImportOptions options)
    {
        job.Set(new ImportStatus(ImportState.Running, 0, 0, TimeSpan.Zero, null, null));
        history.Record(job);
        lock (gate)
        {
            jobs.Insert(0, job);
            while (jobs.Count > Kept && jobs.FindLastIndex(j => j.Done) is var old && old >= 0)
            {
                jobs.RemoveAt(old);
            }
        }

        job.Work = Task.Run(() => RunAsync(job, file, tempDir, options));
    }

    /// <summary>Asks a running import to stop; the importer rolls back, so the store stays as it was.</summary>
    public bool RequestCancel(ImportJob job)
    {
        if (job.Done)
        {
            return false;
        }

        job.Cancel.Cancel();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        // Shutting down mid-import: cancel, and wait for the rollback before the store underneath is closed.
        foreach (var job in Recent)
        {
            await job.Cancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await job.Work.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("Import {Job} did not stop within 30 s of shutdown", job.Id);
            }

            job.Cancel.Dispose();
        }
    }

    private async Task RunAsync(ImportJob job, string file, string tempDir, ImportOptions options)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var cancel = job.Cancel.Token;
            var summary = await data.UseStoreAsync(store => store.Import([file], options with { RefreshSnapshot = false }, job, cancel), cancel).ConfigureAwait(false);
            if (summary.Imported > 0 || summary.TraitsUpdated > 0)
            {
                data.Changed();
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            job.Set(new ImportStatus(ImportState.Succeeded, summary.Rows, elapsed.TotalSeconds > 0 ? summary.Rows / elapsed.TotalSeconds : 0, elapsed, summary, null));
        }
        catch (OperationCanceledException)
        {
            job.Set(job.Status with { State = ImportState.Cancelled, Error = "The import was cancelled; nothing was imported and the events are as they were." });
        }
        catch (ImportException e)
        {
            job.Set(job.Status with { State = ImportState.Failed, Error = Readable(e.Message, tempDir) });
        }
        catch (Exception e)
        {
            logger.LogError(e, "Import {Job} of {File} failed", job.Id, job.FileName);
            job.Set(job.Status with
            {
                State = ImportState.Failed,
                Error = $"The import failed unexpectedly and was rolled back; the events are as they were. The server log has the details (import {job.Id}).",
            });
        }
        finally
        {
            // Every way out frees the slot and the disk: a job stuck "running" would block imports until a restart.
            TryDelete(tempDir);
            try
            {
                history.Record(job);
            }
            catch (Exception e) when (e is DuckDB.NET.Data.DuckDBException or InvalidOperationException)
            {
                // The import itself is done; only its listing after a restart is lost.
                logger.LogWarning(e, "Could not record the outcome of import {Job}", job.Id);
            }

            lock (gate)
            {
                if (current == job)
                {
                    current = null;
                }
            }
        }
    }

    /// <summary>The importer names files by path; the person uploading knows only the file's name.</summary>
    internal static string Readable(string message, string tempDir) =>
        message.Replace(tempDir + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);

    internal static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
        catch (IOException)
        {
            // Left for the OS to clean from the temp folder; nothing else reads it.
        }
    }
}
