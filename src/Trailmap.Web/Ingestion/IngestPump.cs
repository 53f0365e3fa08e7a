using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trailmap.Events;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Ingestion;

/// <summary>What the pump is doing, for a status line: how much waits in the spool, the last import, the last error.</summary>
public sealed record IngestStatus(
    long AcceptedMessages,
    long Fsyncs,
    double MeanFsyncMilliseconds,
    int QueuedSegments,
    long QueuedBytes,
    long ImportedEvents,
    long Duplicates,
    long TraitsUpdated,
    long Rejected,
    DateTimeOffset? LastImportAt,
    long LastImportEvents,
    double LastImportSeconds,
    string? LastError,
    DateTimeOffset? LastErrorAt);

/// <summary>
/// Moves spooled messages into the event store: shortly after messages arrive it closes the open spool segment,
/// imports every closed segment in one transaction through <see cref="EventImporter"/>, and deletes them only
/// after that transaction committed. A crash between commit and delete re-imports the segment at the next start,
/// which changes nothing: the import skips message ids the store already has. At start, segments left over
/// from the last run are imported first; at shutdown, after the server stopped taking requests, the rest.
/// </summary>
public sealed class IngestPump(Spool spool, EventData data, TimeProvider clock, ILogger<IngestPump> log)
    : BackgroundService, IHostedLifecycleService
{
    /// <summary>How long the pump lets messages gather after the first one arrives, so one import takes many requests.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim importing = new(1, 1);
    private readonly Lock statusLock = new();
    private long importedEvents;
    private long duplicates;
    private long traitsUpdated;
    private long rejected;
    private DateTimeOffset? lastImportAt;
    private long lastImportEvents;
    private double lastImportSeconds;
    private string? lastError;
    private DateTimeOffset? lastErrorAt;

    public IngestStatus Status()
    {
        var closed = spool.Closed();
        lock (statusLock)
        {
            return new IngestStatus(
                spool.Accepted, spool.Fsyncs, Math.Round(spool.MeanFsyncMilliseconds, 2), closed.Count + (spool.OpenBytes > 0 ? 1 : 0), closed.Sum(c => c.Bytes) + spool.OpenBytes,
                importedEvents, duplicates, traitsUpdated, rejected, lastImportAt, lastImportEvents, lastImportSeconds, lastError, lastErrorAt);
        }
    }

    /// <summary>
    /// Imports everything spooled so far, the open segment included, and returns when it is in the store (or
    /// throws why not). The pump calls it on its own; tests and shutdown call it to not wait for the next round.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancel = default)
    {
        await importing.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            spool.Rotate();
            await ImportClosedAsync().ConfigureAwait(false);
        }
        finally
        {
            importing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        var pending = true; // segments left over from the last run
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!pending)
                {
                    await spool.WaitForDataAsync(stoppingToken).ConfigureAwait(false);
                    await Task.Delay(Gather, stoppingToken).ConfigureAwait(false);
                }

                await FlushAsync(stoppingToken).ConfigureAwait(false);
                pending = false;
                backoff = TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is ImportException or IOException or UnauthorizedAccessException or DuckDB.NET.Data.DuckDBException or InvalidOperationException)
            {
                // The segments stay on disk; try again, less often while it keeps failing.
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                RecordError(ex);
                pending = true;
                try
                {
                    await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ImportClosedAsync()
    {
        var closed = spool.Closed();
        if (closed.Count == 0)
        {
            return;
        }

        var files = closed.Select(c => c.Path).ToList();
        var watch = Stopwatch.StartNew();

        // Not cancellable: an import that already runs finishes (it is one transaction either way), so shutdown
        // does not throw away work that is nearly done.
        var summary = await data.UseAsync(
            store => EventImporter.Import(store, files, new ImportOptions { Format = ImportFormat.Jsonl, KeepSorted = false }),
            CancellationToken.None).ConfigureAwait(false);
        data.Changed();
        foreach (var file in files)
        {
            File.Delete(file);
        }

        if (summary.Rejected > 0)
        {
            log.LogWarning("The ingestion import rejected {Count} spooled messages (see {Files}): {First}",
                summary.Rejected, string.Join(", ", summary.RejectsFiles), summary.Rejects[0].Reason);
        }

        lock (statusLock)
        {
            importedEvents += summary.Imported;
            duplicates += summary.Duplicates;
            traitsUpdated += summary.TraitsUpdated;
            rejected += summary.Rejected;
            lastImportAt = clock.GetUtcNow();
            lastImportEvents = summary.Imported;
            lastImportSeconds = watch.Elapsed.TotalSeconds;
            lastError = null;
        }
    }

    private void RecordError(Exception ex)
    {
        log.LogError(ex, "Importing the ingestion spool {Folder} failed; the segments stay and the import is retried", spool.Folder);
        lock (statusLock)
        {
            lastError = ex.Message;
            lastErrorAt = clock.GetUtcNow();
        }
    }

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs after every hosted service stopped, the web server included, so no request can add to the spool any
    /// more: imports what is left, so a clean stop leaves an empty spool. A failure leaves the segments for the next start.
    /// </summary>
    async Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ImportException or IOException or DuckDB.NET.Data.DuckDBException or InvalidOperationException)
        {
            log.LogWarning(ex, "Could not import the ingestion spool at shutdown; it is imported at the next start");
        }
    }

    public override void Dispose()
    {
        importing.Dispose();
        base.Dispose();
    }
}
