using Trailmap.Automation.Running;

namespace Trailmap.Web.Interventions;

/// <summary>What a pause or resume changed; <see cref="SkippedMessages"/> counts overdue messages a resume dropped.</summary>
public sealed record PauseChange(bool Changed, int SkippedMessages);

/// <summary>
/// Pausing and resuming rules from the pages and the API, through the running rules' <see cref="AutomationRunner"/>:
/// it holds the rule's messages in the outbox and records the pause and resume times, so a resume applies the rule's
/// <c>on_resume</c> (skip or send what fell due while paused) instead of flooding.
/// </summary>
public sealed class RulePauses(AutomationRunner runner)
{
    /// <summary>The journey's paused rules and since when.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Paused(string journeySlug) =>
        runner.Rules()
            .Where(r => r.JourneyId == journeySlug && r.PausedSince is not null)
            .ToDictionary(r => r.RuleId, r => r.PausedSince!.Value, StringComparer.Ordinal);

    /// <summary>Pauses or resumes a rule of the journey; <see cref="PauseChange.Changed"/> is false when it already was in that state.</summary>
    public PauseChange Set(string journeySlug, string ruleId, bool paused, string actor)
    {
        if (paused)
        {
            return new PauseChange(runner.Pause(journeySlug, ruleId, actor), 0);
        }

        var resumed = runner.Resume(journeySlug, ruleId, actor);
        return new PauseChange(resumed.WasPaused, resumed.SkippedMessages);
    }
}
