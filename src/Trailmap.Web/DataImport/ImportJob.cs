using Trailmap.Events;

namespace Trailmap.Web.DataImport;

public enum ImportState
{
    /// <summary>The file is still arriving.</summary>
    Receiving,

    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>
/// One import started from the page: what was uploaded, by whom, how far it got and how it ended. Written by the
/// import's background task and read by page requests, so every change swaps one immutable <see cref="ImportStatus"/>.
/// </summary>
public sealed class ImportJob(string id, string startedBy, DateTimeOffset startedAt) : IProgress<ImportProgress>
{
    private ImportStatus status = new(ImportState.Receiving, 0, 0, TimeSpan.Zero, null, null);

    public string Id { get; } = id;

    /// <summary>The uploaded file's name as the browser gave it (cleaned), for the page and the messages.</summary>
    public string FileName { get; internal set; } = "";

    public string StartedBy { get; } = startedBy;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public ImportStatus Status => Volatile.Read(ref status);

    public bool Done => Status.State is ImportState.Succeeded or ImportState.Failed or ImportState.Cancelled;

    internal CancellationTokenSource Cancel { get; } = new();

    internal Task Work { get; set; } = Task.CompletedTask;

    public void Report(ImportProgress value)
    {
        var now = Status;
        if (now.State == ImportState.Running)
        {
            Volatile.Write(ref status, now with { Rows = value.Rows, RowsPerSecond = value.RowsPerSecond, Elapsed = value.Elapsed });
        }
    }

    internal void Set(ImportStatus next) => Volatile.Write(ref status, next);
}

/// <summary>A job's state at one moment. <see cref="Summary"/> is set on success, <see cref="Error"/> on failure.</summary>
public sealed record ImportStatus(ImportState State, long Rows, double RowsPerSecond, TimeSpan Elapsed, ImportSummary? Summary, string? Error);
