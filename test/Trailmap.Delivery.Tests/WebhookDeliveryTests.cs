using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Trailmap.Journeys.Model;
using Trailmap.Testing;
using Xunit;
using static Trailmap.Delivery.Tests.Infrastructure.Messages;

namespace Trailmap.Delivery.Tests;

/// <summary>The webhook channel and the dispatcher's retry and dead-letter rules, against a real HTTP receiver.</summary>
public sealed class WebhookDeliveryTests : IDisposable
{
    private const string Secret = "workspace-webhook-secret-42";
    private static readonly RetryPolicy NoJitter = new() { BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromHours(1), Jitter = 0, MaxAttempts = 3 };

    private readonly TempDir dir = new();
    private readonly FakeTimeProvider clock = Clock();
    private readonly HttpClient http = new();
    private readonly Outbox outbox;
    private readonly Dispatcher dispatcher;

    public WebhookDeliveryTests()
    {
        outbox = Outbox.Open(dir.File("outbox.duckdb"), clock);
        dispatcher = new Dispatcher(
            outbox, [new WebhookChannel(http, new WebhookOptions { Secret = Secret }, clock)], new DispatcherOptions { Retry = NoJitter }, clock);
    }

    public void Dispose()
    {
        outbox.Dispose();
        http.Dispose();
        dir.Dispose();
    }

    [Fact]
    public async Task A_claim_left_by_a_crash_is_resent_as_a_later_attempt_marked_as_a_redelivery()
    {
        await using var receiver = new WebhookReceiver();
        var path = dir.File("crashed.duckdb");
        using (var crashed = Outbox.Open(path, clock))
        {
            crashed.Enqueue(Make("upgrade", "c1", "evt-1", Webhook(receiver.Url)));
            crashed.Enqueue(Make("upgrade", "c2", "evt-1", Webhook(receiver.Url)));
            // A dispatcher claimed c1 and died before its outcome was recorded: the receiver may or may not have it.
            (await crashed.ClaimAsync(Start, 1)).ShouldHaveSingleItem().IdempotencyKey.ShouldBe("upgrade:c1:evt-1");
        }

        using var reopened = Outbox.Open(path, clock);
        reopened.RecoveredInFlight.ShouldBe(1);
        var summary = await new Dispatcher(reopened, [new WebhookChannel(http, new WebhookOptions { Secret = Secret }, clock)], time: clock)
            .RunOnceAsync(Start, TestContext.Current.CancellationToken);

        summary.Sent.ShouldBe(2);
        var byKey = receiver.Requests.ToDictionary(r => r.Headers["X-Trailmap-Idempotency-Key"]);
        using (var resent = JsonDocument.Parse(byKey["upgrade:c1:evt-1"].Body))
        {
            resent.RootElement.GetProperty("attempt").GetInt32().ShouldBe(2);
        }

        byKey["upgrade:c1:evt-1"].Headers["X-Trailmap-Attempt"].ShouldBe("2");
        byKey["upgrade:c1:evt-1"].Headers["X-Trailmap-Redelivery"].ShouldBe("true");
        using (var first = JsonDocument.Parse(byKey["upgrade:c2:evt-1"].Body))
        {
            first.RootElement.GetProperty("attempt").GetInt32().ShouldBe(1);
        }

        byKey["upgrade:c2:evt-1"].Headers.ContainsKey("X-Trailmap-Redelivery").ShouldBeFalse();
        reopened.Get("upgrade:c1:evt-1")!.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task Posts_signed_json_that_the_receiver_can_verify()
    {
        await using var receiver = new WebhookReceiver();
        outbox.Enqueue(Make("upgrade", "c1", "evt-9", Webhook(receiver.Url, "Hi {{ customer.name }}, plan {{ event.plan }}"),
            data: new() { ["customer.name"] = "Ann", ["event.plan"] = "pro" }));

        var summary = await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken);

        summary.ShouldBe(new DispatchSummary(Claimed: 1, Sent: 1, Retried: 0, Dead: 0, Suppressed: 0));
        var request = receiver.Requests.ShouldHaveSingleItem();
        // 2026-03-02 09:00:00 UTC = 20514 days * 86400 s + 9 h * 3600 s = 1772409600 + 32400 = 1772442000.
        request.Headers["X-Trailmap-Timestamp"].ShouldBe("1772442000");
        request.Headers["X-Trailmap-Idempotency-Key"].ShouldBe("upgrade:c1:evt-9");
        request.Headers["Content-Type"].ShouldBe("application/json; charset=utf-8");
        // Oracle: the HMAC computed here from the documented recipe, not with WebhookSignature.
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("1772442000.").Concat(request.Body).ToArray()));
        request.Headers["X-Trailmap-Signature"].ShouldBe(expected);
        WebhookSignature.Verify(Secret, request.Headers["X-Trailmap-Timestamp"], request.Body, request.Headers["X-Trailmap-Signature"], Start)
            .ShouldBe(WebhookVerification.Valid);

        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        root.GetProperty("id").GetString().ShouldBe("upgrade:c1:evt-9");
        root.GetProperty("rule").GetString().ShouldBe("upgrade");
        root.GetProperty("customer").GetString().ShouldBe("c1");
        root.GetProperty("message").GetString().ShouldBe("Hi Ann, plan pro");
        root.GetProperty("attempt").GetInt32().ShouldBe(1);
        root.GetProperty("due_at").GetString().ShouldBe("2026-03-02T09:00:00.000Z");
        root.GetProperty("data").GetProperty("event.plan").GetString().ShouldBe("pro");

        var entry = outbox.Get("upgrade:c1:evt-9")!;
        entry.State.ShouldBe(OutboxState.Sent);
        entry.Receipt.ShouldBe("HTTP 200");
        entry.SentAt.ShouldBe(Start);
        entry.Attempts.ShouldBe(1);
        outbox.Enqueue(Make("upgrade", "c1", "evt-9", Webhook(receiver.Url))).ShouldBe(new EnqueueResult("upgrade:c1:evt-9", false, OutboxState.Sent));
    }

    [Fact]
    public async Task A_500_is_retried_after_the_backoff_and_then_sent()
    {
        await using var receiver = new WebhookReceiver([500, 200]);
        outbox.Enqueue(Make("r", "c1", "e1", Webhook(receiver.Url)));

        (await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken)).Retried.ShouldBe(1);
        var waiting = outbox.Get("r:c1:e1")!;
        waiting.State.ShouldBe(OutboxState.Pending);
        waiting.Attempts.ShouldBe(1);
        // Attempt 1 failed: 30 s * 2^0 = 30 s later, no jitter.
        waiting.NextAttemptAt.ShouldBe(Start.AddSeconds(30));
        waiting.LastError!.ShouldContain("HTTP 500");

        clock.Advance(TimeSpan.FromSeconds(29));
        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Claimed.ShouldBe(0);
        clock.Advance(TimeSpan.FromSeconds(1));
        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(1);

        receiver.Requests.Select(r => r.AnsweredWith).ShouldBe([500, 200]);
        JsonDocument.Parse(receiver.Requests[1].Body).RootElement.GetProperty("attempt").GetInt32().ShouldBe(2);
        receiver.Requests[1].Headers["X-Trailmap-Timestamp"].ShouldBe("1772442030");
        var sent = outbox.Get("r:c1:e1")!;
        sent.State.ShouldBe(OutboxState.Sent);
        sent.Attempts.ShouldBe(2);
        sent.SentAt.ShouldBe(Start.AddSeconds(30));
        sent.LastError.ShouldBeNull();
    }

    [Fact]
    public async Task A_failing_receiver_is_given_up_on_after_the_last_attempt()
    {
        await using var receiver = new WebhookReceiver([503]);
        outbox.Enqueue(Make("r", "c1", "e1", Webhook(receiver.Url)));

        // MaxAttempts 3: fail at 09:00:00 -> next 09:00:30 (30 s); fail -> next 09:01:30 (+60 s); fail -> dead.
        await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken);
        outbox.Get("r:c1:e1")!.NextAttemptAt.ShouldBe(Start.AddSeconds(30));
        clock.SetUtcNow(Start.AddSeconds(30));
        await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken);
        outbox.Get("r:c1:e1")!.NextAttemptAt.ShouldBe(Start.AddSeconds(90));
        clock.SetUtcNow(Start.AddSeconds(90));
        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Dead.ShouldBe(1);

        receiver.Requests.Count.ShouldBe(3);
        var dead = outbox.DeadLetters().ShouldHaveSingleItem();
        dead.IdempotencyKey.ShouldBe("r:c1:e1");
        dead.Attempts.ShouldBe(3);
        dead.FinishedAt.ShouldBe(Start.AddSeconds(90));
        dead.LastError!.ShouldStartWith("gave up after 3 attempts; last error: ");
        dead.LastError.ShouldContain("HTTP 503");

        // Requeued after the cause is fixed, it starts counting again and goes out.
        outbox.Requeue("r:c1:e1").ShouldBeTrue();
        outbox.Get("r:c1:e1")!.Attempts.ShouldBe(0);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(422)]
    public async Task A_4xx_other_than_408_and_429_is_dead_at_once(int status)
    {
        await using var receiver = new WebhookReceiver([status, 200]);
        outbox.Enqueue(Make("r", "c1", "e1", Webhook(receiver.Url)));

        var summary = await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken);

        summary.Dead.ShouldBe(1);
        receiver.Requests.Count.ShouldBe(1);
        var dead = outbox.DeadLetters().ShouldHaveSingleItem();
        dead.Attempts.ShouldBe(1);
        dead.LastError!.ShouldStartWith("permanent failure: ");
        dead.LastError!.ShouldContain($"HTTP {status}");
        dead.LastError.ShouldContain("scripted failure");
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(502)]
    public async Task Timeouts_throttling_and_5xx_are_retried(int status)
    {
        await using var receiver = new WebhookReceiver([status, 200]);
        outbox.Enqueue(Make("r", "c1", "e1", Webhook(receiver.Url)));

        (await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken)).Retried.ShouldBe(1);
        outbox.Get("r:c1:e1")!.State.ShouldBe(OutboxState.Pending);
    }

    [Fact]
    public async Task Retry_after_from_the_receiver_sets_the_least_wait()
    {
        await using var receiver = new WebhookReceiver([429, 200], retryAfter: "120");
        outbox.Enqueue(Make("r", "c1", "e1", Webhook(receiver.Url)));

        await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken);

        // The backoff says 30 s, the receiver 120 s: the longer wins.
        outbox.Get("r:c1:e1")!.NextAttemptAt.ShouldBe(Start.AddSeconds(120));
    }

    [Fact]
    public async Task An_unreachable_receiver_is_retried_and_a_bad_url_is_dead()
    {
        string closed;
        await using (var gone = new WebhookReceiver())
        {
            closed = gone.Url;
        }

        outbox.Enqueue(Make("r", "c1", "e1", Webhook(closed)));
        outbox.Enqueue(Make("r", "c2", "e1", Webhook("ftp://example.test/x")));
        outbox.Enqueue(Make("r", "c3", "e1", Webhook("")));

        var summary = await dispatcher.RunOnceAsync(Start, TestContext.Current.CancellationToken);

        summary.ShouldBe(new DispatchSummary(3, 0, 1, 2, 0));
        outbox.Get("r:c1:e1")!.State.ShouldBe(OutboxState.Pending);
        outbox.Get("r:c2:e1")!.LastError.ShouldBe("permanent failure: rule r: the webhook action url 'ftp://example.test/x' is not an absolute http(s) URL");
        outbox.Get("r:c3:e1")!.LastError.ShouldBe("permanent failure: rule r: the webhook action has no url");
    }

    [Fact]
    public async Task A_paused_rule_holds_its_messages_until_resumed()
    {
        await using var receiver = new WebhookReceiver();
        outbox.Enqueue(Make("held", "c1", "e1", Webhook(receiver.Url)));
        outbox.Enqueue(Make("free", "c1", "e1", Webhook(receiver.Url)));
        outbox.Pause("held");
        clock.Advance(TimeSpan.FromMinutes(1));
        outbox.Pause("held");

        var summary = await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken);

        summary.Sent.ShouldBe(1);
        receiver.Requests.ShouldHaveSingleItem().Headers["X-Trailmap-Idempotency-Key"].ShouldBe("free:c1:e1");
        outbox.Get("held:c1:e1")!.State.ShouldBe(OutboxState.Pending);
        outbox.Get("held:c1:e1")!.Attempts.ShouldBe(0);
        // Pausing again kept the first pause time.
        outbox.PausedRules().ShouldBe([new PausedRule("held", Start)]);

        outbox.Resume("held").ShouldBeTrue();
        outbox.Resume("held").ShouldBeFalse();
        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(1);
        receiver.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_loop_delivers_an_enqueued_message_without_waiting_for_the_poll_interval()
    {
        await using var receiver = new WebhookReceiver();
        var realDispatcher = new Dispatcher(
            outbox,
            [new WebhookChannel(http, new WebhookOptions { Secret = Secret })],
            new DispatcherOptions { PollInterval = TimeSpan.FromHours(1) },
            TimeProvider.System);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var loop = realDispatcher.RunAsync(stop.Token);

        outbox.Enqueue(Make("r", "c1", "e1", Webhook(receiver.Url), due: DateTimeOffset.UnixEpoch));
        var waited = 0;
        while (outbox.Get("r:c1:e1")!.State != OutboxState.Sent && waited++ < 200)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        await loop;
        // Within 10 s although the poll interval is an hour: the enqueue woke the loop.
        outbox.Get("r:c1:e1")!.State.ShouldBe(OutboxState.Sent);
        receiver.Requests.Count.ShouldBe(1);
    }
    [Fact]
    public async Task While_the_loop_runs_due_messages_go_out_once_and_paused_or_later_ones_wait()
    {
        await using var receiver = new WebhookReceiver();
        var loopDispatcher = new Dispatcher(
            outbox,
            [new WebhookChannel(http, new WebhookOptions { Secret = Secret }, clock)],
            new DispatcherOptions { Retry = NoJitter, Parallelism = 4, PollInterval = TimeSpan.FromHours(1) },
            clock);
        outbox.Pause("held");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var loop = loopDispatcher.RunAsync(stop.Token);

        // Enqueued while the loop runs: 30 due now (handed to the loop by the enqueue itself), one of a paused rule,
        // one due tomorrow (by the fake clock, which does not move).
        outbox.EnqueueMany(Enumerable.Range(1, 30).Select(i => Make("r", $"c{i}", "e", Webhook(receiver.Url), due: DateTimeOffset.UnixEpoch)));
        outbox.Enqueue(Make("held", "c1", "e", Webhook(receiver.Url), due: DateTimeOffset.UnixEpoch));
        outbox.Enqueue(Make("r", "later", "e", Webhook(receiver.Url), due: Start.AddDays(1)));
        var waited = 0;
        while (outbox.Counts().GetValueOrDefault(OutboxState.Sent) < 30 && waited++ < 400)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await Task.Delay(300, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await loop;

        // 30 requests, one per message, each the first attempt, recorded so.
        receiver.Requests.Count.ShouldBe(30);
        receiver.Requests.Select(r => r.Headers[WebhookChannel.IdempotencyHeader]).Distinct().Count().ShouldBe(30);
        outbox.List(OutboxState.Sent).Select(e => e.Attempts).ShouldAllBe(a => a == 1);
        // The paused rule's message and tomorrow's wait as pending, with no attempt counted.
        outbox.List(OutboxState.Pending).Select(e => (e.IdempotencyKey, e.Attempts)).ShouldBe([("held:c1:e", 0), ("r:later:e", 0)], ignoreOrder: true);
        outbox.Counts().Keys.ShouldBe([OutboxState.Sent, OutboxState.Pending], ignoreOrder: true);
    }

    [Fact]
    public async Task With_LeaveUnconfiguredPending_the_loop_leaves_an_unconfigured_channel_pending_on_the_claim_and_the_handoff_path()
    {
        await using var receiver = new WebhookReceiver();
        var loopDispatcher = new Dispatcher(
            outbox,
            [new WebhookChannel(http, new WebhookOptions { Secret = Secret }, clock)],
            new DispatcherOptions { Retry = NoJitter, PollInterval = TimeSpan.FromHours(1), LeaveUnconfiguredPending = true },
            clock);
        var email = new InterventionAction { Channel = ActionChannel.Email, Subject = "Hi", Message = "x" };
        // Waiting before the loop starts: only a claim could take it.
        outbox.Enqueue(Make("mail", "before", "e", email, due: DateTimeOffset.UnixEpoch));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var loop = loopDispatcher.RunAsync(stop.Token);

        async Task WaitSent(string key)
        {
            var waited = 0;
            while (outbox.Get(key)!.State != OutboxState.Sent && waited++ < 200)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }

        // Once this one is sent the loop's first claim is done, so the handoff is open for what follows.
        outbox.Enqueue(Make("hook", "c1", "e", Webhook(receiver.Url), due: DateTimeOffset.UnixEpoch));
        await WaitSent("hook:c1:e");
        // Enqueued while the loop runs, due now: the email must not be handed over, the webhook after it is.
        outbox.Enqueue(Make("mail", "during", "e", email, due: DateTimeOffset.UnixEpoch));
        outbox.Enqueue(Make("hook", "c2", "e", Webhook(receiver.Url), due: DateTimeOffset.UnixEpoch));
        await WaitSent("hook:c2:e");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await loop;

        // Two webhooks went out; both emails wait as pending, never attempted (a send without a channel would have
        // counted attempt 1 and set "no Email channel is configured" as the error).
        receiver.Requests.Count.ShouldBe(2);
        foreach (var key in new[] { "mail:before:e", "mail:during:e" })
        {
            var entry = outbox.Get(key)!;
            (entry.State, entry.Attempts, entry.LastError).ShouldBe((OutboxState.Pending, 0, (string?)null), key);
        }
    }
}
