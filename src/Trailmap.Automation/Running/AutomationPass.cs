namespace Trailmap.Automation.Running;

/// <summary>
/// What one pass did with one rule. <see cref="Triggered"/> counts the rule's triggers since it was activated (as of
/// the pass), <see cref="Decided"/> those decided in this pass, split into planned, held out, capped and skipped
/// (fired while the rule was paused, <c>on_resume: skip</c>). <see cref="Waiting"/> counts triggers not decided because
/// the rule is paused; they are decided when it resumes.
/// </summary>
public sealed record RulePass(
    string JourneyId,
    string RuleId,
    int Triggered,
    int Decided,
    int Planned,
    int HeldOut,
    int Capped,
    int Skipped,
    int Waiting,
    bool Paused);

/// <summary>A journey (or a rule of one) that did not run in a pass, and why.</summary>
public sealed record AutomationProblem(string JourneyId, string? RuleId, string Message)
{
    public override string ToString() => RuleId is null ? $"{JourneyId}: {Message}" : $"{JourneyId}/{RuleId}: {Message}";
}

/// <summary>One evaluation pass: when it ran (the "as of" of every trigger), what each rule did, and what failed.</summary>
public sealed record AutomationPass(DateTimeOffset At, IReadOnlyList<RulePass> Rules, IReadOnlyList<AutomationProblem> Problems, TimeSpan Elapsed)
{
    /// <summary>The messages this pass planned (enqueued, or for a dry run, would have).</summary>
    public IReadOnlyList<Trailmap.Automation.Planning.PlannedMessage> Messages { get; init; } = [];

    /// <summary>
    /// Whether the pass evaluated every customer; otherwise only <see cref="Customers"/> whose events or traits
    /// changed since the last pass (see <see cref="AutomationRunner.FullPassInterval"/>), and the rules' counts
    /// cover only them.
    /// </summary>
    public bool Full { get; init; } = true;

    /// <summary>How many customers the pass evaluated.</summary>
    public int Customers { get; init; }

    /// <summary>
    /// True when the pass did not run because another node owned it (state on PostgreSQL, docs/postgres-state.md):
    /// nothing was evaluated, decided or enqueued here.
    /// </summary>
    public bool OwnedElsewhere { get; init; }

    public int Planned => Rules.Sum(r => r.Planned);

    public int Decided => Rules.Sum(r => r.Decided);

    public override string ToString() => OwnedElsewhere ? "another node is running the rules' pass; this one skipped it" :
        $"{Rules.Count} rules: {Decided} triggers decided, {Planned} messages planned, "
        + $"{Rules.Sum(r => r.HeldOut)} held out, {Rules.Sum(r => r.Capped)} capped, {Rules.Sum(r => r.Skipped)} skipped"
        + (Problems.Count > 0 ? $"; {Problems.Count} problems" : "")
        + $" ({(Full ? "all" : "changed")} customers: {Customers:N0}; {Elapsed.TotalMilliseconds:N0} ms)";
}

/// <summary>
/// A rule as the runner knows it: when it was activated (null: not seen by a pass yet), whether it is paused, by
/// whom, when it last resumed, whether the journey still has it, and how its triggers were decided so far.
/// </summary>
public sealed record AutomationRuleState(
    string JourneyId,
    string RuleId,
    string? Name,
    DateTimeOffset? ActiveSince,
    DateTimeOffset? PausedSince,
    string? PausedBy,
    DateTimeOffset? ResumedAt,
    string? ResumedBy,
    bool InJourney,
    long Planned,
    long HeldOut,
    long Capped,
    long Skipped)
{
    public bool Paused => PausedSince is not null;
}

/// <summary>What resuming a rule did: whether it was paused, and how many messages that fell due meanwhile were skipped.</summary>
public sealed record ResumeResult(bool WasPaused, int SkippedMessages);
