using Trailmap.Drafting.Draft;

namespace Trailmap.Web.Drafting;

public enum DraftState { Running, Succeeded, Invalid, Failed, Cancelled }

/// <summary>One step of a draft as the page shows it: its name, how much of its answer has arrived, whether it is done.</summary>
public sealed record DraftStepStatus(string Name, int Number, int Of, int Characters, bool Done, TimeSpan Elapsed);

/// <summary>
/// One draft started from the page: whose it is, the steps so far, and how it ended. Written by the draft's
/// background task and read by page requests, so each change swaps one immutable list or result.
/// </summary>
public sealed class DraftJob(string id, string startedBy, string briefName, DateTimeOffset startedAt) : IProgress<DraftProgress>
{
    private IReadOnlyList<DraftStepStatus> steps = [];
    private DraftOutcome? outcome;

    public string Id { get; } = id;

    /// <summary>Only the member who started a draft sees it: a brief can be confidential.</summary>
    public string StartedBy { get; } = startedBy;

    public string BriefName { get; } = briefName;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public IReadOnlyList<DraftStepStatus> Steps => Volatile.Read(ref steps);

    public DraftOutcome? Outcome => Volatile.Read(ref outcome);

    public DraftState State => Outcome?.State ?? DraftState.Running;

    public bool Done => Outcome is not null;

    internal CancellationTokenSource Cancel { get; } = new();

    internal Task Work { get; set; } = Task.CompletedTask;

    /// <summary>A step's start, growth and end; a repair round is a step of its own, so the list shows every request made.</summary>
    public void Report(DraftProgress value)
    {
        var now = Steps;
        var step = new DraftStepStatus(value.Step, value.Number, value.Of, value.Characters, value.Done, value.Elapsed);
        var last = now.Count > 0 ? now[^1] : null;
        Volatile.Write(ref steps, last is not null && last.Name == step.Name && !last.Done ? [.. now.Take(now.Count - 1), step] : [.. now, step]);
    }

    internal void Finish(DraftOutcome value) => Volatile.Write(ref outcome, value);
}

/// <summary>
/// How a draft ended. <see cref="Text"/> is what the page puts in the editor: the journey as YAML when it validates,
/// else the model's last answer exactly as written, so the diagnostics' lines and columns point into it.
/// </summary>
public sealed record DraftOutcome(DraftState State, string? Text, IReadOnlyList<Trailmap.Journeys.Validation.Diagnostic> Diagnostics, int Repairs, string? Error);
