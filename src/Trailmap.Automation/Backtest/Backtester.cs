using Trailmap.Analytics.Journeys;
using Trailmap.Automation.Planning;
using Trailmap.Automation.Rules;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Backtest;

/// <summary>
/// One rule (or sequence step) on one day of a backtest. Triggered counts firings; every firing ends as exactly one
/// of held out, messaged, capped or unreachable (planned, but the customer has no address on the rule's channel,
/// see <see cref="Reachability"/>), and Delayed counts the messaged ones that quiet hours pushed later.
/// </summary>
public sealed record BacktestRow(DateOnly Day, string RuleId, int? Step, int Triggered, int HeldOut, int Messaged, int Delayed, int Capped)
{
    /// <summary>Firings whose message was planned but could not reach the customer: counted apart from <see cref="BacktestRow.Messaged"/>.</summary>
    public int Unreachable { get; init; }
}

/// <summary>A whole backtest: rows for every day and rule (or step) that fired, in day, then journey order.</summary>
public sealed record BacktestReport(string Journey, DateTimeOffset From, DateTimeOffset To, long Customers, IReadOnlyList<BacktestRow> Rows)
{
    /// <summary>Each rule's (or step's) totals over the whole period, in journey order.</summary>
    public IReadOnlyList<BacktestRow> Totals() =>
    [
        .. Rows.GroupBy(r => (r.RuleId, r.Step))
            .Select(g => new BacktestRow(DateOnly.FromDateTime(From.UtcDateTime), g.Key.RuleId, g.Key.Step,
                g.Sum(r => r.Triggered), g.Sum(r => r.HeldOut), g.Sum(r => r.Messaged), g.Sum(r => r.Delayed), g.Sum(r => r.Capped))
            {
                Unreachable = g.Sum(r => r.Unreachable),
            }),
    ];
}

/// <summary>Where a backtest is: the day just replayed, of how many.</summary>
public readonly record struct BacktestProgress(int Day, int Days);

/// <summary>
/// Replays history day by day: which customers each intervention and sequence step would have triggered, held out,
/// messaged, capped or could not have reached, sending nothing. Days are UTC calendar days in [from, to). The frequency cap counts only
/// messages the backtest itself planned from <c>from</c> on.
/// </summary>
public static class Backtester
{
    public static BacktestReport Run(
        Journey journey,
        EventLog log,
        DateTimeOffset from,
        DateTimeOffset to,
        IProgress<BacktestProgress>? progress = null,
        CancellationToken cancellationToken = default,
        JourneyMeasurement? measurement = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(log);
        if (to <= from)
        {
            throw new ArgumentException($"the backtest period is empty: to ({to:u}) must be after from ({from:u})");
        }

        // Every firing depends only on history up to its own time, so one evaluation as of the end, cut into days,
        // is the same as evaluating at the end of each day (a property the tests check).
        var evaluator = new RuleEvaluator(journey, log, measurement);
        var triggers = evaluator.Evaluate(to.AddTicks(-1)).Where(t => t.At >= from).ToList();
        var order = evaluator.RuleIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var planner = new Planner(journey, log.Traits);
        var rows = new List<BacktestRow>();
        var start = DateOnly.FromDateTime(from.UtcDateTime);
        var days = (int)Math.Ceiling((to - new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).TotalDays);
        var next = 0;
        for (var d = 0; d < days; d++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var day = start.AddDays(d);
            var dayEnd = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var today = new List<Trigger>();
            while (next < triggers.Count && triggers[next].At < dayEnd)
            {
                today.Add(triggers[next++]);
            }

            var decisions = planner.Plan(today);
            rows.AddRange(decisions
                .GroupBy(x => (x.Trigger.RuleId, x.Trigger.Step))
                .OrderBy(g => order[g.Key.RuleId]).ThenBy(g => g.Key.Step ?? 0)
                .Select(g => new BacktestRow(day, g.Key.RuleId, g.Key.Step,
                    g.Count(),
                    g.Count(x => x.Outcome == PlanOutcome.HeldOut),
                    g.Count(x => x.Outcome == PlanOutcome.Planned && Reachability.CanReach(x.Message!)),
                    g.Count(x => x.Outcome == PlanOutcome.Planned && x.Message!.Delayed && Reachability.CanReach(x.Message)),
                    g.Count(x => x.Outcome == PlanOutcome.Capped))
                {
                    Unreachable = g.Count(x => x.Outcome == PlanOutcome.Planned && !Reachability.CanReach(x.Message!)),
                }));
            progress?.Report(new BacktestProgress(d + 1, days));
        }

        return new BacktestReport(journey.Id, from, to, log.CustomerCount, rows);
    }
}
