using System.Net;
using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Trailmap.Testing;
using Xunit;
using static Trailmap.Delivery.Tests.Infrastructure.Messages;

namespace Trailmap.Delivery.Tests;

/// <summary>
/// Webhook and Slack URLs come from editable YAML, so the delivery client refuses destinations inside the host's
/// networks, judged on the address it connects to, unless the option allows them.
/// </summary>
public sealed class OutboundGuardTests : IDisposable
{
    private const string Secret = "workspace-webhook-secret-42";
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    // Refused: the ranges named in docs/delivery.md, "Outbound requests", each at an edge.
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("fc00::1", "private")]
    [InlineData("fdff:ffff::1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.255", "carrier-grade NAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.1.2.3", "private")]
    [InlineData("224.0.0.1", "multicast")]
    // Allowed: just outside each range, and ordinary public addresses.
    [InlineData("172.15.255.255", null)]
    [InlineData("172.32.0.1", null)]
    [InlineData("100.63.255.255", null)]
    [InlineData("100.128.0.1", null)]
    [InlineData("169.253.1.1", null)]
    [InlineData("192.169.0.1", null)]
    [InlineData("11.0.0.1", null)]
    [InlineData("93.184.216.34", null)]
    [InlineData("2606:2800:220:1::1", null)]
    [InlineData("fec0::1", "site-local")]
    [InlineData("fb00::1", null)]
    public void Classifies_addresses(string address, string? kind)
    {
        var why = DestinationGuard.Forbidden(IPAddress.Parse(address));
        if (kind is null)
        {
            why.ShouldBeNull();
        }
        else
        {
            why.ShouldNotBeNull().ShouldContain(kind);
        }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    // A name, resolved at connect time: the check is on the address, not on the URL's text.
    [InlineData("localhost")]
    public async Task A_webhook_to_a_loopback_receiver_is_refused_and_dead_with_the_reason(string host)
    {
        await using var receiver = new WebhookReceiver();
        var url = receiver.Url.Replace("127.0.0.1", host, StringComparison.Ordinal);
        var clock = Clock();
        using var outbox = Outbox.Open(dir.File("outbox.duckdb"), clock);
        using var clients = OutboundHttp.Create(allowPrivateDestinations: false);
        var dispatcher = new Dispatcher(outbox, [new WebhookChannel(clients.Factory, new WebhookOptions { Secret = Secret }, clock)], time: clock);
        outbox.Enqueue(Make("upgrade", "c1", "evt-1", Webhook(url)));

        var summary = await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken);

        summary.Dead.ShouldBe(1);
        receiver.Requests.ShouldBeEmpty();
        var dead = outbox.Get("upgrade:c1:evt-1")!;
        dead.State.ShouldBe(OutboxState.Dead);
        dead.LastError!.ShouldContain("a loopback address");
        dead.LastError!.ShouldContain("--allow-private-destinations");
    }

    [Fact]
    public async Task The_option_lets_tests_and_development_post_to_loopback()
    {
        await using var receiver = new WebhookReceiver();
        var clock = Clock();
        using var outbox = Outbox.Open(dir.File("outbox.duckdb"), clock);
        using var clients = OutboundHttp.Create(allowPrivateDestinations: true);
        var dispatcher = new Dispatcher(outbox, [new SlackChannel(clients.Factory, new SlackOptions { WebhookUrl = receiver.Url }, clock)], time: clock);
        outbox.Enqueue(Make("ping", "c1", "evt-1", new() { Channel = Journeys.Model.ActionChannel.Slack, Message = "hi" }));

        var summary = await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken);

        summary.Sent.ShouldBe(1);
        receiver.Requests.ShouldHaveSingleItem().Text.ShouldBe("""{"text":"hi"}""");
    }
}
