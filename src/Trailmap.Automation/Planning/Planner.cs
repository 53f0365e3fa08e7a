using System.Globalization;
using Trailmap.Automation.Rules;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Planning;

/// <summary>
/// Turns triggers into messages: holdout first (held-out customers are recorded, never messaged), then overdue
/// handling for rules that were paused, quiet hours in the customer's time zone, and the journey's frequency cap
/// across all rules. The planner remembers what it planned, so calling <see cref="Plan"/> day after day (as the
/// backtest does) caps across calls; messages sent before come in through the constructor.
/// </summary>
public sealed class Planner
{
    private readonly Dictionary<string, RuleSettings> _rules = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? _traits;
    private readonly IReadOnlyDictionary<string, DateTimeOffset> _resumedAt;
    private readonly FrequencyCap? _cap;
    private readonly QuietHours? _quietHours;
    private readonly QuietWindow? _quiet;
    private readonly TimeZoneInfo _defaultZone;
    private readonly Dictionary<string, TimeZoneInfo?> _zones = new(StringComparer.Ordinal);
    private readonly SendHistory _history = new();

    /// <param name="journey">The rules and the <c>automation:</c> settings.</param>
    /// <param name="traits">Customer traits by customer id: the time zone trait and the message data.</param>
    /// <param name="sent">Messages already sent, counted by the frequency cap.</param>
    /// <param name="resumedAt">For rules that were paused: when they resumed. Triggers before it are overdue.</param>
    public Planner(
        Journey journey,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits = null,
        IEnumerable<SentMessage>? sent = null,
        IReadOnlyDictionary<string, DateTimeOffset>? resumedAt = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        foreach (var i in journey.Interventions)
        {
            _rules[i.Id] = new RuleSettings(i.Holdout, i.OnResume ?? ResumePolicy.Skip, [i.Then]);
        }

        foreach (var s in journey.Sequences)
        {
            _rules[s.Id] = new RuleSettings(s.Holdout, s.OnResume ?? ResumePolicy.Skip, [.. s.Steps.Select(step => step.Then)]);
        }

        _traits = traits;
        _resumedAt = resumedAt ?? new Dictionary<string, DateTimeOffset>();
        _cap = journey.Automation?.FrequencyCap;
        _quietHours = journey.Automation?.QuietHours;
        _quiet = _quietHours is { } q ? QuietWindow.From(q) : null;
        _defaultZone = _quietHours is { } h && TimeZoneInfo.TryFindSystemTimeZoneById(h.DefaultTimezone, out var z) ? z : TimeZoneInfo.Utc;
        foreach (var m in sent ?? [])
        {
            _history.Add(m.CustomerId, m.SentAt);
        }
    }

    /// <summary>Plans the triggers in time order (then rule, customer, occurrence); one decision per trigger.</summary>
    public IReadOnlyList<PlanDecision> Plan(IEnumerable<Trigger> triggers)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        var ordered = triggers
            .OrderBy(t => t.At)
            .ThenBy(t => t.RuleId, StringComparer.Ordinal)
            .ThenBy(t => t.CustomerId, StringComparer.Ordinal)
            .ThenBy(t => t.Occurrence, StringComparer.Ordinal);
        var decisions = new List<PlanDecision>();
        foreach (var trigger in ordered)
        {
            decisions.Add(Decide(trigger));
        }

        return decisions;
    }

    private PlanDecision Decide(Trigger trigger)
    {
        if (!_rules.TryGetValue(trigger.RuleId, out var rule))
        {
            throw new ArgumentException($"trigger for '{trigger.RuleId}', which is no intervention or sequence of the journey");
        }

        if (Holdout.IsHeldOut(trigger.RuleId, trigger.CustomerId, rule.Holdout))
        {
            return new PlanDecision(trigger, PlanOutcome.HeldOut, null);
        }

        var due = trigger.At;
        if (_resumedAt.TryGetValue(trigger.RuleId, out var resumed) && due < resumed)
        {
            if (rule.OnResume == ResumePolicy.Skip)
            {
                return new PlanDecision(trigger, PlanOutcome.SkippedOverdue, null);
            }

            due = resumed;
        }

        if (_quiet is not null)
        {
            due = _quiet.Release(due, Zone(trigger.CustomerId));
        }

        if (_cap is { } cap && !_history.Fits(trigger.CustomerId, due, cap.Max, cap.Per.Span))
        {
            return new PlanDecision(trigger, PlanOutcome.Capped, null);
        }

        _history.Add(trigger.CustomerId, due);
        var step = trigger.Step is { } s ? s - 1 : 0;
        if (step < 0 || step >= rule.Actions.Count)
        {
            throw new ArgumentException($"trigger for step {trigger.Step} of '{trigger.RuleId}', which has {rule.Actions.Count} steps");
        }

        var message = new PlannedMessage(trigger.IdempotencyKey, trigger.RuleId, trigger.CustomerId, rule.Actions[step], due, Data(trigger))
        {
            Trigger = trigger,
        };
        return new PlanDecision(trigger, PlanOutcome.Planned, message);
    }

    /// <summary>The customer's zone from the zone trait (an IANA name), else the configured default.</summary>
    public TimeZoneInfo Zone(string customerId)
    {
        if (_quietHours is null)
        {
            return _defaultZone;
        }

        if (!_zones.TryGetValue(customerId, out var zone))
        {
            zone = _traits is not null && _traits.TryGetValue(customerId, out var t) && t.TryGetValue(_quietHours.TimezoneTrait, out var v)
                && v is string name && TimeZoneInfo.TryFindSystemTimeZoneById(name.Trim(), out var found) ? found : null;
            _zones[customerId] = zone;
        }

        return zone ?? _defaultZone;
    }

    private Dictionary<string, string?> Data(Trigger trigger)
    {
        var data = new Dictionary<string, string?>(StringComparer.Ordinal) { ["customer.id"] = trigger.CustomerId };
        if (_traits is not null && _traits.TryGetValue(trigger.CustomerId, out var traits))
        {
            foreach (var (key, value) in traits)
            {
                data["customer." + key] = Text(value);
            }
        }

        foreach (var (key, value) in trigger.EventProperties ?? new Dictionary<string, object?>())
        {
            data["event." + key] = Text(value);
        }

        return data;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private sealed record RuleSettings(double? Holdout, ResumePolicy OnResume, IReadOnlyList<InterventionAction> Actions);
}
