using Trailmap.Automation.Lift;
using Trailmap.Journeys.Model;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Interventions;

public enum RuleKind { Intervention, Sequence }

/// <summary>One intervention or sequence of a journey as it runs: where it sits, what it does, and what it did.</summary>
public sealed record RuleRow(
    string Id,
    string Name,
    RuleKind Kind,
    string? Stage,
    string? StageName,
    string Condition,
    IReadOnlyList<ActionChannel> Channels,
    int Steps,
    string? Goal,
    double? Holdout,
    DateTimeOffset? PausedSince,
    RuleCounts Counts,
    LiftRecord? Lift)
{
    public bool Paused => PausedSince is not null;

    /// <summary>The lift in one line, or why there is none; see <see cref="Trailmap.Journeys.Actuals.InterventionActual.Summary"/>.</summary>
    public string LiftSummary => Lift is { } l ? MeasuredLift.ToActual(l).Summary() : "no goal, so no lift measured";

    /// <summary>Whether the lift is significant, in plain words; null while there is no interval.</summary>
    public string? Verdict => Lift is { } l ? MeasuredLift.ToActual(l).Verdict() : null;
}

/// <summary>A journey's rules with their pause state, outbox counts and lift, for the interventions page and API.</summary>
public sealed record RuleBoard(MeasuredJourney Measured, IReadOnlyList<RuleRow> Rules, MeasuredLift Lift)
{
    public static RuleBoard Build(MeasuredJourney measured, MeasuredLift lift, IReadOnlyDictionary<string, DateTimeOffset> paused, IReadOnlyDictionary<string, RuleCounts> counts)
    {
        var journey = measured.Journey;
        string? StageName(string? id) => id is null ? null : journey.Stages.FirstOrDefault(s => s.Id == id)?.Name ?? id;
        var rows = new List<RuleRow>();
        foreach (var i in journey.Interventions)
        {
            rows.Add(new RuleRow(
                i.Id, i.Name, RuleKind.Intervention, i.Stage, StageName(i.Stage), i.When.ToString(), [i.Then.Channel], 1,
                i.Goal?.ToString(), i.Holdout, Paused(i.Id), counts.GetValueOrDefault(i.Id, RuleCounts.None), lift.For(i.Id)));
        }

        foreach (var s in journey.Sequences)
        {
            rows.Add(new RuleRow(
                s.Id, s.Name, RuleKind.Sequence, s.Stage, StageName(s.Stage), s.Trigger.ToString(),
                [.. s.Steps.Select(st => st.Then.Channel).Distinct()], s.Steps.Count,
                s.Exit?.ToString(), s.Holdout, Paused(s.Id), counts.GetValueOrDefault(s.Id, RuleCounts.None), lift.For(s.Id)));
        }

        return new RuleBoard(measured, rows, lift);

        DateTimeOffset? Paused(string id) => paused.TryGetValue(id, out var since) ? since : null;
    }

    public RuleRow? Find(string ruleId) => Rules.FirstOrDefault(r => r.Id == ruleId);
}
