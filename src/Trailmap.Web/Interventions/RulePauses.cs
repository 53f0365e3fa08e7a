using Trailmap.Delivery;

namespace Trailmap.Web.Interventions;

/// <summary>
/// Pausing and resuming rules from the pages and the API. Every change goes through <see cref="Set"/>, the one place
/// that decides what a pause means, so the running rules can take over there without the callers changing.
/// </summary>
public sealed class RulePauses(Outbox outbox)
{
    /// <summary>Paused rules and since when.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Paused() =>
        outbox.PausedRules().ToDictionary(p => p.RuleId, p => p.PausedSince, StringComparer.Ordinal);

    /// <summary>Pauses or resumes <paramref name="ruleId"/>; false when it already was in that state (nothing changed).</summary>
    public bool Set(string ruleId, bool paused)
    {
        // RUNNER SEAM: when Trailmap.Automation.Running.AutomationRunner is merged, call its Pause(ruleId) /
        // Resume(ruleId) here instead: it holds the outbox as below and also records the pause and resume times the
        // planner needs for on_resume (skip or send what fell due while paused). Until then only delivery is held:
        // pending messages wait, and nothing new is enqueued for the rule because nothing runs rules yet.
        if (paused)
        {
            var was = Paused().ContainsKey(ruleId);
            outbox.Pause(ruleId);
            return !was;
        }

        return outbox.Resume(ruleId);
    }
}
