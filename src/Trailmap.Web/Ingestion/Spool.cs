using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Trailmap.Web.Ingestion;

/// <summary>
/// The write-ahead spool of accepted messages: numbered segment files of Segment JSON lines in
/// <see cref="WorkspaceOptions.ResolvedSpoolPath"/>. A request's lines are on disk (written and fsynced) before
/// <see cref="AppendAsync"/> completes, which is what lets the API answer 200 only for events that survive a
/// crash. One writer loop does all file I/O: whatever requests queued while the previous fsync ran are written
/// together and share the next fsync (group commit), so many concurrent requests cost one fsync, not one each.
/// The pump closes the open segment (<see cref="Rotate"/>), imports the closed ones and deletes them.
/// </summary>
public sealed class Spool : IDisposable
{
    private const string Extension = ".jsonl";
    private const string ReasonExtension = ".reason.txt";

    private readonly Channel<Entry> queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> arrived = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock fileLock = new();
    private readonly ILogger<Spool> log;
    private FileStream current;
    private long currentNumber;
    private long accepted;
    private long fsyncs;
    private long fsyncTicks;
    private bool disposed;

    public Spool(WorkspaceOptions options, ILogger<Spool> log)
    {
        this.log = log;
        Folder = Path.GetFullPath(options.ResolvedSpoolPath);
        Directory.CreateDirectory(Folder);
        var leftovers = Recover();
        currentNumber = leftovers.Count == 0 ? 1 : leftovers[^1].Number + 1;
        current = Open(currentNumber);
        _ = Task.Run(WriteLoopAsync);
    }

    public string Folder { get; }

    /// <summary>Messages made durable since the server started.</summary>
    public long Accepted => Interlocked.Read(ref accepted);

    /// <summary>fsyncs since the server started; <see cref="Accepted"/> / this is the group-commit factor.</summary>
    public long Fsyncs => Interlocked.Read(ref fsyncs);

    /// <summary>Mean time of one write + fsync of a group, in milliseconds: what the disk adds to every answer.</summary>
    public double MeanFsyncMilliseconds => Fsyncs == 0 ? 0 : TimeSpan.FromTicks(Interlocked.Read(ref fsyncTicks)).TotalMilliseconds / Fsyncs;

    /// <summary>
    /// Appends complete JSON lines (each ending in '\n') for <paramref name="messages"/> messages and completes
    /// once they are fsynced. Throws <see cref="IOException"/> when the disk refused them; nothing was acknowledged then.
    /// </summary>
    public Task AppendAsync(ReadOnlyMemory<byte> lines, int messages)
    {
        var entry = new Entry(lines, messages, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(entry))
        {
            throw new IOException("The server is shutting down; send again in a moment.");
        }

        // The writer loop completes it; it never needs the caller's context (ASP.NET Core has none).
#pragma warning disable VSTHRD003
        return entry.Done.Task;
#pragma warning restore VSTHRD003
    }

    /// <summary>Completes when the open segment has data the pump has not taken yet.</summary>
    public async Task WaitForDataAsync(CancellationToken cancel) => await arrived.Reader.ReadAsync(cancel).ConfigureAwait(false);

    /// <summary>Closes the open segment (when it has data) and starts the next; the closed one is now the pump's.</summary>
    public void Rotate()
    {
        lock (fileLock)
        {
            if (disposed || current.Length == 0)
            {
                return;
            }

            current.Dispose();
            currentNumber++;
            current = Open(currentNumber);
        }
    }

    /// <summary>Closed segments, oldest first: the ones waiting to be imported.</summary>
    public IReadOnlyList<(long Number, string Path, long Bytes)> Closed()
    {
        long open;
        lock (fileLock)
        {
            open = currentNumber;
        }

        return [.. Segments().Where(s => s.Number < open).Select(s => (s.Number, s.Path, new FileInfo(s.Path).Length))];
    }

    /// <summary>The folder, inside the spool, where segments that could not be imported are moved aside.</summary>
    public string QuarantineFolder => Path.Combine(Folder, "quarantine");

    /// <summary>
    /// Moves a closed segment that keeps failing to <see cref="QuarantineFolder"/>, with a NAME.reason.txt beside
    /// it saying why and when, so it survives restarts and an operator can look at it, fix it and move it back.
    /// Returns the new path.
    /// </summary>
    public string Quarantine(string segment, string reason, DateTimeOffset at)
    {
        Directory.CreateDirectory(QuarantineFolder);
        var target = Path.Combine(QuarantineFolder, Path.GetFileName(segment));
        File.WriteAllText(target + ReasonExtension, at.ToString("O", CultureInfo.InvariantCulture) + "\n" + reason + "\n");
        File.Move(segment, target, overwrite: true);
        return target;
    }

    /// <summary>The quarantined segments with their reasons, oldest first.</summary>
    public IReadOnlyList<QuarantinedSegment> Quarantined()
    {
        if (!Directory.Exists(QuarantineFolder))
        {
            return [];
        }

        var result = new List<QuarantinedSegment>();
        foreach (var path in Directory.EnumerateFiles(QuarantineFolder, "*" + Extension).Order(StringComparer.Ordinal))
        {
            try
            {
                var lines = File.Exists(path + ReasonExtension) ? File.ReadAllLines(path + ReasonExtension) : [];
                var at = lines.Length > 0 && DateTimeOffset.TryParse(lines[0], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : new DateTimeOffset(File.GetLastWriteTimeUtc(path));
                var reason = lines.Length > 1 ? string.Join(" ", lines.Skip(1)).Trim() : "(no reason recorded)";
                result.Add(new QuarantinedSegment(path, new FileInfo(path).Length, reason, at));
            }
            catch (IOException)
            {
                // Moved away meanwhile; not quarantined any more.
            }
        }

        return result;
    }

    /// <summary>Bytes in the open segment, not yet handed to the pump.</summary>
    public long OpenBytes
    {
        get
        {
            lock (fileLock)
            {
                return disposed ? 0 : current.Length;
            }
        }
    }

    /// <summary>
    /// Stops taking messages and closes the open segment (deleting it when empty). Every acknowledged message is
    /// already on disk; whatever the pump has not imported yet is imported at the next start.
    /// </summary>
    public void Dispose()
    {
        queue.Writer.TryComplete();
        lock (fileLock)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            var empty = current.Length == 0;
            var path = current.Name;
            current.Dispose();
            if (empty)
            {
                File.Delete(path);
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<Entry>();
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (queue.Reader.TryRead(out var entry))
            {
                group.Add(entry);
            }

            try
            {
                WriteDurably(group);
                var messages = 0L;
                foreach (var entry in group)
                {
                    messages += entry.Messages;
                    entry.Done.TrySetResult();
                }

                Interlocked.Add(ref accepted, messages);
                arrived.Writer.TryWrite(true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                log.LogError(ex, "Could not write {Count} ingestion requests to the spool {Folder}", group.Count, Folder);
                var failure = new IOException($"Could not store the events on the server's disk ({ex.Message}); send them again.", ex);
                foreach (var entry in group)
                {
                    entry.Done.TrySetException(failure);
                }
            }

            group.Clear();
        }
    }

    private void WriteDurably(List<Entry> group)
    {
        lock (fileLock)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var before = current.Length;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                foreach (var entry in group)
                {
                    current.Write(entry.Lines.Span);
                }

                current.Flush(flushToDisk: true);
                Interlocked.Increment(ref fsyncs);
                Interlocked.Add(ref fsyncTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
            }
            catch (IOException)
            {
                // Cut off what got written of this group: it was not acknowledged, and a torn line would spoil the
                // next request's first line. If even that fails, the recovery at the next start trims the tail.
                try
                {
                    current.SetLength(before);
                }
                catch (IOException)
                {
                }

                throw;
            }
        }
    }

    private FileStream Open(long number) => new(
        Path.Combine(Folder, number.ToString("D12", CultureInfo.InvariantCulture) + Extension),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1 << 18);

    private List<(long Number, string Path)> Segments()
    {
        var result = new List<(long, string)>();
        foreach (var path in Directory.EnumerateFiles(Folder, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                result.Add((n, path));
            }
        }

        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    /// <summary>
    /// After a crash the last segment may end in a torn line (a write the process died in, never acknowledged):
    /// it is cut back to the last complete line. Empty segments are removed.
    /// </summary>
    private List<(long Number, string Path)> Recover()
    {
        var segments = Segments();
        foreach (var (_, path) in segments)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            var keep = LastLineEnd(file);
            if (keep < file.Length)
            {
                log.LogWarning("Spool segment {Path} ended in an incomplete line (a write interrupted by a crash, never acknowledged); cut {Bytes} bytes", path, file.Length - keep);
                file.SetLength(keep);
                file.Flush(flushToDisk: true);
            }
        }

        foreach (var (_, path) in segments.Where(s => new FileInfo(s.Path).Length == 0).ToList())
        {
            File.Delete(path);
        }

        return [.. segments.Where(s => File.Exists(s.Path))];
    }

    private static long LastLineEnd(FileStream file)
    {
        var buffer = new byte[64 * 1024];
        var end = file.Length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            file.Position = start;
            file.ReadExactly(buffer, 0, (int)(end - start));
            var at = Array.LastIndexOf(buffer, (byte)'\n', (int)(end - start) - 1);
            if (at >= 0)
            {
                return start + at + 1;
            }

            end = start;
        }

        return 0;
    }

    private sealed record Entry(ReadOnlyMemory<byte> Lines, int Messages, TaskCompletionSource Done);
}
