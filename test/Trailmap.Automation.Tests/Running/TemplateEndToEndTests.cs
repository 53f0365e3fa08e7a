using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Shouldly;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Templates;
using Trailmap.Testing;
using Xunit;
using static Trailmap.Automation.Tests.Running.EndToEnd;

namespace Trailmap.Automation.Tests.Running;

/// <summary>
/// The "done when": the course template's nurture sequence and the customer-success template's health alert
/// run end to end: real DuckDB, the real SMTP server of eng/smtp.sh read back from its Maildir, a real HTTP receiver,
/// and a fake clock moved across two weeks.
/// </summary>
public sealed class TemplateEndToEndTests
{
    /// <summary>Monday 2026-03-02 08:00 UTC: the first pass activates the rules.</summary>
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] NurtureSubjects =
    [
        "Your free modules are ready",
        "Pro tip: journaling made simple",
        "How a Pro member used the course to save her startup",
        "Is the Pro version worth $99?",
        "Ready for the next level? (special offer inside)",
    ];

    private static readonly string[] NurtureTemplates = ["welcome-free", "pro-tip", "case-study", "objection-handling", "soft-pitch"];

    /// <summary>The documented holdout position, computed here independently: SHA-256("{rule}:{customer}"), first 8 bytes big-endian / 2^64.</summary>
    private static double Position(string rule, string customer) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{rule}:{customer}"))) / 18446744073709551616.0;

    private static string Customer(string prefix, bool heldOut) =>
        Enumerable.Range(1, 1000).Select(i => $"{prefix}-{i}").First(id => (Position("nurture", id) < 0.10) == heldOut);

    [Fact]
    public async Task Course_nurture_sends_days_0_3_7_10_14_personalised_stops_at_the_purchase_and_never_twice()
    {
        var (host, port, maildir) = SmtpServer.Require();
        var ct = TestContext.Current.CancellationToken;
        var templates = Directory.CreateTempSubdirectory("trailmap-e2e-templates").FullName;
        foreach (var name in NurtureTemplates)
        {
            await File.WriteAllTextAsync(Path.Combine(templates, name + ".text.liquid"), $"Hi {{{{ customer.name }}}}, this is {name} for you.", ct);
        }

        var settings = new DeliverySettings
        {
            SmtpHost = host,
            SmtpPort = port,
            SmtpTls = "none",
            SmtpFrom = "Course <hello@course.test>",
            EmailTemplates = templates,
            PublicUrl = "https://trailmap.test",
        };
        await using var w = new EndToEnd(T0, new Dictionary<string, string> { ["online-course"] = TemplateCatalog.ReadYaml("online-course") }, settings);
        (await w.RunAsync()).Pass.Rules.Sum(r => r.Triggered).ShouldBe(0);

        // Three readers sign up an hour in (awareness, interest, then consideration: the funnel's order).
        var (ann, bob, cat) = (Customer("ann", false), Customer("bob", false), Customer("cat", true));
        var address = new Dictionary<string, string>();
        var events = new List<object>();
        var minute = 0;
        foreach (var (id, name) in new[] { (ann, "Ann"), (bob, "Bob"), (cat, "Cat") })
        {
            address[id] = $"{id}-{Guid.NewGuid():N}@example.test";
            events.Add(Identify(id, T0.AddHours(1), new { email = address[id], name }));
            events.Add(Track(id, "Page Viewed", T0.AddHours(1).AddMinutes(minute++), new { page_type = "content" }));
            events.Add(Track(id, "Page Viewed", T0.AddHours(1).AddMinutes(minute++), new { page_type = "landing" }));
            events.Add(Track(id, "Signed Up", T0.AddHours(1).AddMinutes(minute++)));
        }

        w.Import([.. events]);

        // A pass and a dispatch every day at 11:00. Steps fall due at the sign-up time (09:02, 09:05) plus 0, 3,
        // 7, 10 and 14 days; bob buys on day 8 at 10:00, which drops his steps of days 10 and 14; cat is held out.
        // Sent per day: days 0, 3 and 7 ann and bob (2 each), days 10 and 14 ann only (1 each): 8 in all.
        var expected = new Dictionary<int, int> { [0] = 2, [3] = 2, [7] = 2, [10] = 1, [14] = 1 };
        for (var day = 0; day <= 15; day++)
        {
            w.Clock.SetUtcNow(T0.AddDays(day).AddHours(3));
            if (day == 8)
            {
                w.Import(Track(bob, "Order Completed", T0.AddDays(8).AddHours(2)));
            }

            if (day is 5 or 11)
            {
                // Restarts between sends: the state in the file carries on, nothing is sent twice or forgotten.
                await w.ReopenAsync();
            }

            var (_, sent) = await w.RunAsync();
            sent.ShouldBe(expected.GetValueOrDefault(day), $"day {day}");
        }

        // Running again, after a restart, and a day later sends nothing new.
        (await w.RunAsync()).Sent.ShouldBe(0);
        await w.ReopenAsync();
        (await w.RunAsync()).Sent.ShouldBe(0);
        w.Clock.Advance(TimeSpan.FromDays(1));
        (await w.RunAsync()).Sent.ShouldBe(0);

        var annMail = SmtpServer.MessagesTo(maildir, address[ann]);
        annMail.Select(m => m.Subject).ShouldBe(NurtureSubjects);
        annMail.Select(m => m.TextBody!.Trim().Split('\n')[0].Trim()).ShouldBe(NurtureTemplates.Select(n => $"Hi Ann, this is {n} for you."));
        SmtpServer.MessagesTo(maildir, address[bob]).Select(m => m.Subject).ShouldBe(NurtureSubjects[..3]);
        SmtpServer.MessagesTo(maildir, address[cat]).ShouldBeEmpty();
        foreach (var message in annMail)
        {
            var link = message.Headers["List-Unsubscribe"]!.Trim('<', '>');
            link.ShouldStartWith("https://trailmap.test/unsubscribe?token=");
            message.TextBody!.ShouldContain(link);
            w.Runner.UnsubscribeTokens.TryRead(Uri.UnescapeDataString(link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..]), out var who).ShouldBeTrue();
            who.ShouldBe(address[ann].ToLowerInvariant());
        }

        var nurture = w.Runner.Rules().Single(r => r.RuleId == "nurture");
        // 8 sent, cat's 5 steps held out (steps fall due while she is enrolled: days 0-14).
        (nurture.Planned, nurture.HeldOut).ShouldBe((8, 5));
        Directory.Delete(templates, recursive: true);
    }

    [Fact]
    public async Task Customer_success_health_alert_posts_one_signed_webhook_per_crossing_below_60()
    {
        const string Secret = "e2e-webhook-secret-0123456789";
        var ct = TestContext.Current.CancellationToken;
        await using var hook = new WebhookReceiver();
        await using var slack = new WebhookReceiver();
        var yaml = TemplateCatalog.ReadYaml("b2b-customer-success");
        const string SlackAlert = """then: { channel: slack, to: "#cs-alerts", message: "{{ customer.name }} dropped below 60 health - start the risk playbook" }""";
        yaml.ShouldContain(SlackAlert);
        yaml = yaml.Replace(SlackAlert, $$$"""then: { channel: webhook, url: "{{{hook.Url}}}", message: "{{ customer.name }} dropped below 60 health - start the risk playbook" }""", StringComparison.Ordinal);
        var settings = new DeliverySettings { WebhookSecret = Secret, SlackWebhookUrl = slack.Url };
        await using var w = new EndToEnd(T0, new Dictionary<string, string> { ["b2b-customer-success"] = yaml }, settings);
        await w.RunAsync();

        // One account: contract on day 0, a login every day at 09:00, NPS answers 9 (day 1), 2 (day 3), 8 (day 7),
        // 1 (day 10). Health = (40 * login recency + 60 * 10 * last NPS) / 100; a login 15 h before a midnight scores
        // 100, so health = 40 + 6 * NPS: 94, 52, 88, 46. Measured at 00:00 UTC: below 60 first at day 4 00:00 (after
        // the 2 on day 3), back above at day 8, below again at day 11: two crossings.
        var events = new List<object> { Identify("acme", T0, new { name = "Acme GmbH" }), Track("acme", "Contract Signed", T0.AddMinutes(30)) };
        for (var day = 0; day <= 14; day++)
        {
            events.Add(Track("acme", "Logged In", T0.AddDays(day).AddHours(1)));
        }

        foreach (var (day, score) in new[] { (1, 9), (3, 2), (7, 8), (10, 1) })
        {
            events.Add(Track("acme", "Survey Answered", T0.AddDays(day).AddHours(2), new { score }));
        }

        w.Import([.. events]);
        for (var day = 0; day <= 14; day++)
        {
            w.Clock.SetUtcNow(T0.AddDays(day).AddHours(4));
            await w.RunAsync();
        }

        await w.RunAsync();
        var alerts = hook.Requests.ToList();
        alerts.Count.ShouldBe(2);
        var ids = new List<string>();
        foreach (var (_, headers, body, _) in alerts)
        {
            var timestamp = headers["X-Trailmap-Timestamp"];
            // HMAC-SHA256(secret, "{timestamp}.{body}") as lower-case hex, computed here from the raw bytes received.
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray()));
            headers["X-Trailmap-Signature"].ShouldBe(expected);
            using var json = JsonDocument.Parse(body);
            json.RootElement.GetProperty("rule").GetString().ShouldBe("health-below-60");
            json.RootElement.GetProperty("journey").GetString().ShouldBe("b2b-customer-success");
            json.RootElement.GetProperty("message").GetString().ShouldBe("Acme GmbH dropped below 60 health - start the risk playbook");
            ids.Add(json.RootElement.GetProperty("id").GetString()!);
        }

        // The key carries the journey (rule ids are per journey); the body's rule is the bare id (checked above).
        ids.ShouldBe(["b2b-customer-success/health-below-60:acme:metric-20260306T000000.000000Z", "b2b-customer-success/health-below-60:acme:metric-20260313T000000.000000Z"]);

        // The detractor escalation went to the Slack receiver for the 2 and the 1 (score < 7), once each.
        slack.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("text").GetString())
            .ShouldBe(["Acme GmbH answered NPS 2 - call within 2 business days", "Acme GmbH answered NPS 1 - call within 2 business days"], ignoreOrder: true);

        // SMTP is not configured: the onboarding emails (day 1, 3, 7, 14 after the contract) wait, pending, no attempt made.
        var emails = w.Outbox.List(OutboxState.Pending).Where(e => e.Action.Channel == ActionChannel.Email).ToList();
        emails.Select(e => e.RuleId).ShouldBe(Enumerable.Repeat("b2b-customer-success/onboarding-emails", 4));
        emails.ShouldAllBe(e => e.Attempts == 0);
        w.Outbox.DeadLetters().ShouldBeEmpty();
        w.Channels.Missing.Keys.ShouldBe([ActionChannel.Email]);
    }
}
