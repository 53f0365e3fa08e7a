using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Trailmap.Journeys.Model;
using Trailmap.Testing;
using Xunit;
using static Trailmap.Delivery.Tests.Infrastructure.Messages;

namespace Trailmap.Delivery.Tests;

public sealed class SlackAndInAppTests : IDisposable
{
    private readonly TempDir dir = new();
    private readonly FakeTimeProvider clock = Clock();
    private readonly HttpClient http = new();
    private readonly Outbox outbox;

    public SlackAndInAppTests() => outbox = Outbox.Open(dir.File("outbox.duckdb"), clock);

    public void Dispose()
    {
        outbox.Dispose();
        http.Dispose();
        dir.Dispose();
    }

    [Fact]
    public async Task Slack_gets_text_json_with_customer_data_escaped_for_slack()
    {
        await using var receiver = new WebhookReceiver();
        var dispatcher = new Dispatcher(outbox, [new SlackChannel(http, new SlackOptions { WebhookUrl = receiver.Url }, clock)], time: clock);
        outbox.Enqueue(Make("risk", "c1", "e1", new InterventionAction { Channel = ActionChannel.Slack, Message = "<!here> {{ customer.name }} is at risk ({{ event.plan }})" },
            data: new() { ["customer.name"] = "<@U123> & <https://evil.test|click>", ["event.plan"] = "pro" }));

        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(1);

        var request = receiver.Requests.ShouldHaveSingleItem();
        using var json = JsonDocument.Parse(request.Body);
        json.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["text"]);
        // The author's own <!here> stays a mention; the customer's text cannot become one, or a link.
        json.RootElement.GetProperty("text").GetString()
            .ShouldBe("<!here> &lt;@U123&gt; &amp; &lt;https://evil.test|click&gt; is at risk (pro)");
    }

    [Fact]
    public async Task Slack_without_any_url_or_message_is_dead_with_the_reason()
    {
        var dispatcher = new Dispatcher(outbox, [new SlackChannel(http, new SlackOptions(), clock)], time: clock);
        outbox.Enqueue(Make("r", "c1", "e1", new InterventionAction { Channel = ActionChannel.Slack, Message = "hi" }));

        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Dead.ShouldBe(1);

        outbox.Get("r:c1:e1")!.LastError.ShouldBe("permanent failure: rule r: the Slack action (or SlackOptions.WebhookUrl) has no url");
    }

    [Fact]
    public async Task In_app_messages_queue_per_customer_once_and_are_marked_read()
    {
        var queue = new InAppQueue(outbox);
        var channel = new InAppChannel(queue);
        var dispatcher = new Dispatcher(outbox, [channel], time: clock);
        var action = new InterventionAction { Channel = ActionChannel.InApp, Subject = "Tip", Message = "Invite your team, {{ customer.name }}" };
        outbox.Enqueue(Make("invite", "c1", "e1", action, data: new() { ["customer.name"] = "<Ann>" }));
        outbox.Enqueue(Make("invite", "c2", "e1", action, data: new() { ["customer.name"] = "Ben" }));

        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(2);

        // Plain text, not escaped: whoever shows it escapes it for its medium.
        queue.Pending("c1").ShouldBe([new InAppMessage("invite:c1:e1", "invite", "c1", "Tip", "Invite your team, <Ann>", Start, null)]);
        queue.Pending("c3").ShouldBeEmpty();
        outbox.Get("invite:c1:e1")!.Receipt.ShouldBe("in-app: queued");

        // Sending the same entry again (what a crash between queueing and recording does) keeps one message.
        var again = await channel.SendAsync(outbox.Get("invite:c1:e1")!, TestContext.Current.CancellationToken);
        again.ShouldBe(DeliveryResult.Sent("in-app: already queued"));
        queue.Pending("c1").Count.ShouldBe(1);

        clock.Advance(TimeSpan.FromMinutes(3));
        queue.MarkRead("invite:c1:e1").ShouldBeTrue();
        queue.MarkRead("invite:c1:e1").ShouldBeFalse();
        queue.Pending("c1").ShouldBeEmpty();
        queue.Pending("c2").ShouldHaveSingleItem().Message.ShouldBe("Invite your team, Ben");
    }

    [Fact]
    public async Task A_message_for_a_channel_nobody_configured_waits_instead_of_dying()
    {
        var dispatcher = new Dispatcher(outbox, [], new DispatcherOptions { Retry = new RetryPolicy { Jitter = 0 } }, clock);
        outbox.Enqueue(Make("r", "c1", "e1", new InterventionAction { Channel = ActionChannel.InApp, Message = "x" }));

        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Retried.ShouldBe(1);

        var entry = outbox.Get("r:c1:e1")!;
        entry.LastError.ShouldBe("no InApp channel is configured in this dispatcher");
        // Default base delay 30 s, attempt 1, no jitter.
        entry.NextAttemptAt.ShouldBe(Start.AddSeconds(30));
    }

    [Fact]
    public async Task Liquid_personalisation_reads_nested_data_and_reports_syntax_errors_with_the_place()
    {
        var entry = new OutboxEntry("r:c:e", "r", "c", new InterventionAction { Channel = ActionChannel.InApp }, Start,
            new Dictionary<string, string?> { ["customer.name"] = "Ann", ["customer.plan"] = "pro", ["customer.plan.seats"] = "5", ["event.x"] = null },
            OutboxState.Sending, 1, Start, Start, null, null, null, null);
        var model = TemplateModel.Build(entry);

        (await LiquidTemplate.Parse("{{ customer.name }}/{{ customer.plan.seats }}/{{ data['customer.plan'] }}/{{ event.x }}/{{ missing.y }}/{{ rule_id }}", "t")
            .RenderAsync(model, Escaping.None)).ShouldBe("Ann/5/pro///r");
        var error = Should.Throw<TemplateError>(() => LiquidTemplate.Parse("ok\n  {{ customer.name ", "welcome.text.liquid"));
        error.Message.ShouldStartWith("welcome.text.liquid");
        error.Message.ShouldContain("Fix the Liquid syntax");
    }
}
