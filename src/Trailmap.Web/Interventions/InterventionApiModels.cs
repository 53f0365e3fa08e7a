using Trailmap.Delivery;
using Trailmap.Journeys.Model;

namespace Trailmap.Web.Interventions;

/// <summary>How many of a rule's messages are in each outbox state.</summary>
public sealed record OutboxCountsInfo(long Pending, long Sending, long Sent, long Dead, long Suppressed)
{
    public static OutboxCountsInfo Of(RuleCounts c) => new(c.Pending, c.Sending, c.Sent, c.Dead, c.Suppressed);
}

/// <summary>One intervention or sequence of a journey: what it is, whether it runs, and its messages.</summary>
public sealed record InterventionInfo(
    string Id, string Name, RuleKind Kind, string? Stage, string Condition, IReadOnlyList<ActionChannel> Channels, int Steps,
    string? Goal, double? Holdout, string State, DateTimeOffset? PausedSince, OutboxCountsInfo Outbox)
{
    public static InterventionInfo Of(RuleRow r) => new(
        r.Id, r.Name, r.Kind, r.Stage, r.Condition, r.Channels, r.Steps, r.Goal, r.Holdout,
        r.Paused ? "paused" : "active", r.PausedSince, OutboxCountsInfo.Of(r.Counts));
}

/// <summary>The measured lift of one rule; rates and lift are fractions (0.12 is 12 points), null while a group is empty.</summary>
public sealed record LiftInfo(
    string Rule, string? Stage, string Goal, double WindowSeconds, long Treated, long TreatedConverted, long HeldOut, long HeldOutConverted,
    double? TreatedRate, double? HeldOutRate, double? Lift, double? CiLow, double? CiHigh, long Pending, string Summary);

/// <summary>The lift of every rule with a goal in a journey's latest version, as of a moment.</summary>
public sealed record LiftReport(string Journey, int Version, DateTimeOffset AsOf, IReadOnlyList<LiftInfo> Rules)
{
    public static LiftReport Of(RuleBoard board) => new(
        board.Measured.Stored.Slug,
        board.Measured.Version.Version,
        board.Lift.AsOf,
        [.. board.Rules.Where(r => r.Lift is not null).Select(r =>
        {
            var l = r.Lift!;
            return new LiftInfo(
                r.Id, r.Stage, l.Goal, l.Window.TotalSeconds, l.Treated, l.TreatedConverted, l.HeldOut, l.HeldOutConverted,
                l.TreatedRate, l.HeldOutRate, l.Lift?.Estimate, l.Lift?.Low, l.Lift?.High, l.Pending, r.LiftSummary);
        })]);
}

/// <summary>
/// A rule's state after a pause or resume. <see cref="SkippedMessages"/>: messages that fell due while the rule was
/// paused and that the resume dropped because the rule says <c>on_resume: skip</c>.
/// </summary>
public sealed record RuleStateInfo(string Id, string State, DateTimeOffset? PausedSince, bool Changed, int SkippedMessages);

/// <summary>A message given up on, with the reason; <see cref="Journey"/> is the journey whose rule sent it.</summary>
public sealed record DeadLetterInfo(
    string Key, string Rule, string Customer, ActionChannel Channel, int Attempts, string? LastError, DateTimeOffset EnqueuedAt, DateTimeOffset? FinishedAt,
    string? Journey)
{
    public static DeadLetterInfo Of(OutboxEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (journey, rule) = RuleKeys.Split(e.RuleId);
        return new(e.IdempotencyKey, rule, e.CustomerId, e.Action.Channel, e.Attempts, e.LastError, e.EnqueuedAt, e.FinishedAt, journey);
    }
}

/// <summary>An unread in-app message for a customer. Texts are plain: escape them where you show them.</summary>
public sealed record InAppMessageInfo(string Id, string Rule, string? Subject, string Message, DateTimeOffset CreatedAt, string? Journey)
{
    public static InAppMessageInfo Of(InAppMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var (journey, rule) = RuleKeys.Split(m.RuleId);
        return new(m.Id, rule, m.Subject, m.Message, m.CreatedAt, journey);
    }
}
