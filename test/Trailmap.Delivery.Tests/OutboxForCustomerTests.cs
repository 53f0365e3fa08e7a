using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Xunit;
using static Trailmap.Delivery.Tests.Infrastructure.Messages;

namespace Trailmap.Delivery.Tests;

/// <summary>A person's messages from one journey's rules, as the customer timeline lists them.</summary>
public sealed class OutboxForCustomerTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_persons_messages_from_one_journeys_rules_come_latest_due_first()
    {
        using var outbox = Outbox.Open(dir.File("outbox.duckdb"), Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        outbox.EnqueueMany([
            Make("trial/nudge", "ann", "e1", action, Start.AddHours(1)),
            Make("trial/nudge", "anon-7", "e2", action, Start.AddHours(3)),   // an id merged into ann
            Make("trial/welcome", "ann", "e3", action, Start.AddHours(2)),
            Make("other/nudge", "ann", "e4", action, Start.AddHours(4)),      // another journey's rule
            Make("trial/nudge", "bob", "e5", action, Start.AddHours(5)),      // another person
            Make("trial-2/nudge", "ann", "e6", action, Start.AddHours(6)),    // a journey whose id starts like trial's
        ]);

        var messages = outbox.ForCustomer(["ann", "anon-7"], "trial", 10);

        messages.Select(m => m.IdempotencyKey).ShouldBe(["trial/nudge:anon-7:e2", "trial/welcome:ann:e3", "trial/nudge:ann:e1"]);
        messages.ShouldAllBe(m => m.State == OutboxState.Pending);
        outbox.ForCustomer(["ann", "anon-7"], "trial", 2).Count.ShouldBe(2);
        outbox.ForCustomer([], "trial", 10).ShouldBeEmpty();
        outbox.ForCustomer(["nobody"], "trial", 10).ShouldBeEmpty();
    }

    [Fact]
    public void Ids_are_values_not_SQL()
    {
        using var outbox = Outbox.Open(dir.File("outbox.duckdb"), Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        outbox.Enqueue(Make("trial/nudge", "x') OR ('1'='1", "e1", action));
        outbox.Enqueue(Make("trial/nudge", "ann", "e2", action));

        outbox.ForCustomer(["x') OR ('1'='1"], "trial", 10).Select(m => m.CustomerId).ShouldBe(["x') OR ('1'='1"]);
        outbox.ForCustomer(["' OR 1=1 --"], "trial", 10).ShouldBeEmpty();
    }
}
