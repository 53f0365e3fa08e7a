using Microsoft.Extensions.Time.Testing;
using Trailmap.Journeys.Model;

namespace Trailmap.Delivery.Tests.Infrastructure;

internal static class Messages
{
    /// <summary>2026-03-02 09:00:00 UTC: a fixed start so timestamps in assertions are readable.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    public static OutboxMessage Make(
        string rule, string customer, string occurrence, InterventionAction action, DateTimeOffset? due = null,
        Dictionary<string, string?>? data = null) =>
        new($"{rule}:{customer}:{occurrence}", rule, customer, action, due ?? Start, data ?? []);

    public static InterventionAction Webhook(string url, string? message = null) =>
        new() { Channel = ActionChannel.Webhook, Url = url, Message = message };
}
