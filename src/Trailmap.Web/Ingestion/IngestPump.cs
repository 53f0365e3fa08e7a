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
    DateTimeOffset? LastErrorAt,
    IReadOnlyList<QuarantinedSegment> Quarantined);

/// <summary>A spool segment the importer failed on again and again, moved aside so the rest keeps flowing.</summary>
public sealed record QuarantinedSegment(string File, long Bytes, string Reason, DateTimeOffset At);

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

    /// <summary>
    /// Failed imports of a segment on its own before it is quarantined. Each attempt is a round of the pump, with
    /// backoff between failing rounds (1 s, 2 s, ...), so a segment is moved aside after about 3 s of failing alone,
    /// while the segments before and after it keep being imported.
    /// </summary>
    public const int QuarantineAfter = 3;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim importing = new(1, 1);
    private readonly Lock statusLock = new();

    /// <summary>Failed attempts per segment number, for segments that failed at least once; used under <see cref="importing"/>.</summary>
    private readonly Dictionary<long, int> failures = [];
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
        var quarantined = spool.Quarantined();
        lock (statusLock)
        {
            return new IngestStatus(
                spool.Accepted, spool.Fsyncs, Math.Round(spool.MeanFsyncMilliseconds, 2), closed.Count + (spool.OpenBytes > 0 ? 1 : 0), closed.Sum(c => c.Bytes) + spool.OpenBytes,
                importedEvents, duplicates, traitsUpdated, rejected, lastImportAt, lastImportEvents, lastImportSeconds, lastError, lastErrorAt, quarantined);
        }
    }

    /// <summary>
    /// Imports everything spooled so far, the open segment included, and returns when it is in the store (or
    /// throws why not). The pump calls it on its own; tests and shutdown call it to not wait for the next round.
    /// A segment that cannot be imported does not hold back the others: they are imported and this throws about
    /// the one that failed; after <see cref="QuarantineAfter"/> failures on its own it is moved to the quarantine.
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
            catch (Exception ex) when (IsImportFailure(ex))
            {
                // The failed segments stay on disk (the others were imported); try again, less often while it
                // keeps failing. New data arriving meanwhile also starts the next round, so it is not held back.
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                RecordError(ex);
                pending = true;
                try
                {
                    await WaitForDataOrAsync(backoff, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Waits for <paramref name="delay"/>, or less when new data arrives (then gathers as usual).</summary>
    private async Task WaitForDataOrAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(delay);
        try
        {
            await spool.WaitForDataAsync(timeout.Token).ConfigureAwait(false);
            await Task.Delay(Gather, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The delay is over.
        }
    }

    /// <summary>
    /// Imports the closed segments: all in one transaction when none has failed before (the fast, usual case);
    /// when that fails, or for segments that failed before, one at a time, so one bad segment cannot block the
    /// rest. Throws the first failure after doing everything else it could.
    /// </summary>
    private async Task ImportClosedAsync()
    {
        var closed = spool.Closed();
        if (closed.Count == 0)
        {
            return;
        }

        var fresh = closed.Where(c => !failures.ContainsKey(c.Number)).ToList();
        var suspects = closed.Where(c => failures.ContainsKey(c.Number)).ToList();
        Exception? failure = null;
        if (fresh.Count > 0)
        {
            try
            {
                await ImportAsync(fresh).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsImportFailure(ex))
            {
                if (fresh.Count == 1)
                {
                    failure = Failed(fresh[0], ex);
                }
                else
                {
                    // Which one? Each on its own tells.
                    suspects.AddRange(fresh);
                    suspects.Sort((a, b) => a.Number.CompareTo(b.Number));
                }
            }
        }

        foreach (var segment in suspects)
        {
            try
            {
                await ImportAsync([segment]).ConfigureAwait(false);
                failures.Remove(segment.Number);
            }
            catch (Exception ex) when (IsImportFailure(ex))
            {
                failure ??= Failed(segment, ex);
            }
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private static bool IsImportFailure(Exception ex) =>
        ex is ImportException or IOException or UnauthorizedAccessException or DuckDB.NET.Data.DuckDBException or InvalidOperationException
            or Trailmap.Events.ClickHouse.ClickHouseStoreException;

    /// <summary>Counts a failure of the segment and quarantines it after too many; returns the exception to report.</summary>
    private Exception Failed((long Number, string Path, long Bytes) segment, Exception ex)
    {
        var count = failures.GetValueOrDefault(segment.Number) + 1;
        failures[segment.Number] = count;
        if (count < QuarantineAfter)
        {
            return ex;
        }

        var reason = ex.Message;
        var moved = spool.Quarantine(segment.Path, reason, clock.GetUtcNow());
        failures.Remove(segment.Number);
        log.LogError(ex, "Spool segment {Path} failed to import {Count} times and was moved to {Moved}; the other segments go on. Reason: {Reason}",
            segment.Path, count, moved, reason);
        return new ImportException($"Spool segment {Path.GetFileName(segment.Path)} failed to import {count} times and was moved to {moved}: {reason}", ex);
    }

    private async Task ImportAsync(IReadOnlyList<(long Number, string Path, long Bytes)> segments)
    {
        var files = segments.Select(c => c.Path).ToList();
        var watch = Stopwatch.StartNew();

        // Not cancellable: an import that already runs finishes (it is one transaction either way), so shutdown
        // does not throw away work that is nearly done.
        var summary = await data.UseStoreAsync(
            store => store.Import(files, new ImportOptions { Format = ImportFormat.Jsonl, RefreshSnapshot = false }),
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

        log.LogDebug("Ingestion import: {Events} events from {Segments} segments in {Milliseconds:F0} ms", summary.Imported, files.Count, watch.Elapsed.TotalMilliseconds);
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
        catch (Exception ex) when (ex is OperationCanceledException || IsImportFailure(ex))
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
