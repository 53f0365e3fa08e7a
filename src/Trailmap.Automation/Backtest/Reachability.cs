using Trailmap.Automation.Planning;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Backtest;

/// <summary>
/// Whether a planned message has somewhere to go, as the channels decide when they send: an email needs the action's
/// <c>to</c> or the customer's <c>email</c> trait holding an address (what the email channel reads, else the message
/// ends as a dead letter); a webhook and Slack go to the rule's own destination, and an in-app message is queued
/// for the customer id, so they always have one. A backtest counts only reachable customers as messaged.
/// </summary>
public static class Reachability
{
    /// <summary>The trait the email channel takes the recipient from when the action has no <c>to</c>.</summary>
    public const string EmailTrait = "email";

    public static bool CanReach(PlannedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Action.Channel != ActionChannel.Email)
        {
            return true;
        }

        // A 'to' is a template rendered at send time; the backtest takes it as an address rather than render it.
        if (!string.IsNullOrWhiteSpace(message.Action.To))
        {
            return true;
        }

        return message.Data.GetValueOrDefault("customer." + EmailTrait) is { } email && email.Trim().Contains('@', StringComparison.Ordinal);
    }
}
