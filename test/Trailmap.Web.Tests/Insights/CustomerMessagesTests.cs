using Trailmap.Delivery;
using Trailmap.Journeys.Model;
using Trailmap.Web.Accounts;
using Trailmap.Web.Insights;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>A customer's timeline lists the messages the journey's rules sent or queued for them, from the outbox.</summary>
public sealed class CustomerMessagesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Due far ahead, so no dispatcher sends them while the test reads the page: they stay pending.
    private static readonly DateTimeOffset Due = new(2090, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task The_timeline_lists_the_customers_messages_from_this_journeys_rules_latest_first()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, TrialYaml, TrialEvents, Cancel);
        var outbox = factory.Service<Outbox>();
        var hook = new InterventionAction { Channel = ActionChannel.Webhook, Url = "http://127.0.0.1:9/hook", Message = "Share a <b>board</b>" };
        var mail = new InterventionAction { Channel = ActionChannel.Email, Subject = "Your trial ends soon" };
        outbox.EnqueueMany([
            Message(stored.Slug + "/nudge", "a", "e1", hook, Due),
            Message(stored.Slug + "/reminder", "a", "e2", mail, Due.AddDays(1)),
            Message(stored.Slug + "/nudge", "b", "e3", hook, Due),          // another customer
            Message("other-journey/nudge", "a", "e4", hook, Due.AddDays(2)),  // another journey's rule
        ]);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var html = await client.GetStringAsync($"/journeys/{stored.Slug}/customers/a", Cancel);

        // The journey file names neither rule (they were removed from it), so each shows its id.
        Rows(html, "list messages").ShouldBe(
        [
            "2090-01-03 03:04:05 UTC reminder email Your trial ends soon waiting until it is due",
            "2090-01-02 03:04:05 UTC nudge webhook Share a <b>board</b> waiting until it is due",
        ]);
        html.ShouldNotContain("<b>board</b>");

        var none = Text(await client.GetStringAsync($"/journeys/{stored.Slug}/customers/c", Cancel));
        none.ShouldContain("Messages This journey's rules have sent or queued no message to this customer.");
    }

    [Fact]
    public void Each_outcome_reads_in_words()
    {
        var action = new InterventionAction { Channel = ActionChannel.Email, Subject = "Hi" };
        OutboxEntry Entry(OutboxState state, int attempts = 0, string? error = null, string? receipt = null, DateTimeOffset? sent = null) =>
            new("trial/r:a:1", "trial/r", "a", action, Due, new Dictionary<string, string?>(), state, attempts, Due, Due, error, receipt, sent, null);

        CustomerMessages.Outcome(Entry(OutboxState.Sent, receipt: "250 OK", sent: Due)).ShouldBe("sent 2090-01-02 03:04:05 UTC (250 OK)");
        CustomerMessages.Outcome(Entry(OutboxState.Pending)).ShouldBe("waiting until it is due");
        CustomerMessages.Outcome(Entry(OutboxState.Pending, 2, "connection refused")).ShouldBe("waiting to retry after 2 attempts: connection refused");
        CustomerMessages.Outcome(Entry(OutboxState.Dead, 5, "550 no such user")).ShouldBe("failed: 550 no such user");
        CustomerMessages.Outcome(Entry(OutboxState.Suppressed, error: "unsubscribed 2090-01-01")).ShouldBe("not sent: unsubscribed 2090-01-01");
    }

    private static OutboxMessage Message(string rule, string customer, string occurrence, InterventionAction action, DateTimeOffset due) =>
        new($"{rule}:{customer}:{occurrence}", rule, customer, action, due, new Dictionary<string, string?>());
}
