using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MailKit.Security;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Trailmap.Journeys.Model;
using Trailmap.Testing;
using Xunit;
using static Trailmap.Delivery.Tests.Infrastructure.Messages;

namespace Trailmap.Delivery.Tests;

/// <summary>Email through a real SMTP server (eng/smtp.sh), read back from its Maildir.</summary>
public sealed partial class EmailDeliveryTests : IAsyncDisposable
{
    private const string UnsubscribeSecret = "unsubscribe-secret-0123456789";
    private readonly TempDir dir;
    private readonly FakeTimeProvider clock = Clock();
    private readonly Outbox outbox;
    private readonly SuppressionList suppressions;
    private readonly string maildir;
    private readonly EmailChannel email;
    private readonly Dispatcher dispatcher;

    public EmailDeliveryTests()
    {
        // Before anything that needs disposing: a skip here means DisposeAsync is never called.
        var (host, port, box) = SmtpServer.Require();
        maildir = box;
        dir = new TempDir();
        outbox = Outbox.Open(dir.File("outbox.duckdb"), clock);
        suppressions = new SuppressionList(outbox, new UnsubscribeTokens(UnsubscribeSecret));
        Directory.CreateDirectory(dir.File("templates"));
        email = new EmailChannel(
            new EmailOptions
            {
                Host = host,
                Port = port,
                Security = SecureSocketOptions.None,
                From = "Acme Success <success@acme.test>",
                MessageIdDomain = "trailmap.test",
                TemplateFolder = dir.File("templates"),
                UnsubscribeUrl = "https://acme.test/unsubscribe",
            },
            suppressions,
            clock);
        dispatcher = new Dispatcher(
            outbox, [email], new DispatcherOptions { Retry = new RetryPolicy { Jitter = 0, BaseDelay = TimeSpan.FromMinutes(1) } }, clock);
    }

    public async ValueTask DisposeAsync()
    {
        await email.DisposeAsync();
        outbox.Dispose();
        dir.Dispose();
    }

    [Fact]
    public async Task A_template_email_has_both_parts_personalised_escaped_in_html_and_the_headers()
    {
        WriteTemplate("welcome", "subject", "Welcome, {{ customer.name }}");
        WriteTemplate("welcome", "text", "Hi {{ customer.name }},\nyour plan: {{ event.plan | upcase }}\nLeave: {{ unsubscribe_url }}\n");
        WriteTemplate("welcome", "html", "<html><body><h1>Hi {{ customer.name }}</h1><p>Plan <b>{{ event.plan }}</b></p></body></html>");
        var to = SmtpServer.UniqueAddress("ann");
        const string name = "Ann <script>alert(1)</script> & \"Co\"";
        outbox.Enqueue(Make("welcome", "c1", "signup-1", new InterventionAction { Channel = ActionChannel.Email, Template = "welcome" },
            data: new() { ["customer.email"] = to, ["customer.name"] = name, ["event.plan"] = "pro" }));

        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(1);

        var message = SmtpServer.MessagesTo(maildir, to).ShouldHaveSingleItem();
        // Oracle: python3 -c "import hashlib; print(hashlib.sha256(b'welcome:c1:signup-1').hexdigest()[:32])"
        message.MessageId.ShouldBe("eb48f2417954129a487e46bb822131e5@trailmap.test");
        message.From.Mailboxes.ShouldHaveSingleItem().Address.ShouldBe("success@acme.test");
        message.To.Mailboxes.ShouldHaveSingleItem().Address.ShouldBe(to);
        message.Subject.ShouldBe("Welcome, " + name);
        message.Date.ShouldBe(Start);

        var link = UnsubscribeLink(message);
        link.ShouldStartWith("https://acme.test/unsubscribe?token=");
        message.Headers["List-Unsubscribe-Post"].ShouldBe("List-Unsubscribe=One-Click");

        message.TextBody!.ShouldBe($"Hi {name},\nyour plan: PRO\nLeave: {link}\n");
        // The HTML part: customer data escaped, the template's own markup kept, the unsubscribe footer added.
        message.HtmlBody!.ShouldStartWith(
            "<html><body><h1>Hi Ann &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</h1><p>Plan <b>pro</b></p>"
            + $"<p style=\"font-size:12px;color:#666\"><a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">Unsubscribe</a></p>");
        message.HtmlBody!.ShouldNotContain("<script>");

        var entry = outbox.Get("welcome:c1:signup-1")!;
        entry.State.ShouldBe(OutboxState.Sent);
        entry.Receipt!.ShouldStartWith("smtp: ");
    }

    [Fact]
    public async Task Without_template_files_the_email_is_built_from_subject_and_message()
    {
        var to = SmtpServer.UniqueAddress("bob");
        outbox.Enqueue(Make("trial", "c2", "t-3", new InterventionAction
        {
            Channel = ActionChannel.Email,
            Subject = "Your trial ends {{ event.ends }}",
            Message = "Hi {{ customer.name }}\n\nUpgrade <now>.",
        }, data: new() { ["customer.email"] = to, ["customer.name"] = "Bob & Co", ["event.ends"] = "Friday" }));

        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(1);

        var message = SmtpServer.MessagesTo(maildir, to).ShouldHaveSingleItem();
        var link = UnsubscribeLink(message);
        message.Subject.ShouldBe("Your trial ends Friday");
        message.TextBody!.ShouldBe($"Hi Bob & Co\n\nUpgrade <now>.\n\n--\nUnsubscribe: {link}\n");
        message.HtmlBody!.ShouldContain("<title>Your trial ends Friday</title>");
        message.HtmlBody!.ShouldContain("<p>Hi Bob &amp; Co</p>\n<p>Upgrade &lt;now&gt;.</p>\n");
        message.HtmlBody!.ShouldContain($"<a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">Unsubscribe</a>");
        message.Body.ShouldBeOfType<MultipartAlternative>();
    }

    [Fact]
    public async Task Unsubscribing_with_the_link_suppresses_later_mail_to_that_address()
    {
        var to = SmtpServer.UniqueAddress("cy");
        var action = new InterventionAction { Channel = ActionChannel.Email, Subject = "Hello" };
        var data = new Dictionary<string, string?> { ["customer.email"] = to };
        outbox.Enqueue(Make("news", "c3", "1", action, data: data));
        await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken);
        var token = Uri.UnescapeDataString(UnsubscribeLink(SmtpServer.MessagesTo(maildir, to).ShouldHaveSingleItem()).Split("token=")[1]);

        suppressions.Unsubscribe(token[..^2] + "xx").Outcome.ShouldBe(UnsubscribeOutcome.InvalidToken);
        suppressions.Unsubscribe("not-a-token").Outcome.ShouldBe(UnsubscribeOutcome.InvalidToken);
        suppressions.Unsubscribe(token).ShouldBe(new UnsubscribeResult(UnsubscribeOutcome.Unsubscribed, to));
        suppressions.Unsubscribe(token).Outcome.ShouldBe(UnsubscribeOutcome.AlreadySuppressed);
        suppressions.IsSuppressed(to.ToUpperInvariant()).ShouldBeTrue();

        outbox.Enqueue(Make("news", "c3", "2", action, data: data));
        var summary = await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken);

        summary.Suppressed.ShouldBe(1);
        SmtpServer.MessagesTo(maildir, to).Count.ShouldBe(1);
        var entry = outbox.Get("news:c3:2")!;
        entry.State.ShouldBe(OutboxState.Suppressed);
        entry.LastError!.ShouldContain("unsubscribed with the link");

        // Re-subscribed, mail flows again.
        suppressions.Remove(to).ShouldBeTrue();
        outbox.Enqueue(Make("news", "c3", "3", action, data: data));
        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(1);
        SmtpServer.MessagesTo(maildir, to).Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_smtp_5xx_is_dead_at_once_and_a_4xx_is_retried()
    {
        var rejected = SmtpServer.UniqueAddress("gone", "reject.test");
        var deferred = SmtpServer.UniqueAddress("busy", "defer-once.test");
        var action = new InterventionAction { Channel = ActionChannel.Email, Subject = "Hi" };
        outbox.Enqueue(Make("r", "c1", "e", action, data: new() { ["customer.email"] = rejected }));
        outbox.Enqueue(Make("r", "c2", "e", action, data: new() { ["customer.email"] = deferred }));

        var first = await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken);

        first.ShouldBe(new DispatchSummary(2, 0, 1, 1, 0));
        var dead = outbox.Get("r:c1:e")!;
        dead.State.ShouldBe(OutboxState.Dead);
        dead.LastError!.ShouldContain("SMTP 550");
        dead.LastError!.ShouldContain("recipient rejected (test policy)");
        var waiting = outbox.Get("r:c2:e")!;
        waiting.LastError!.ShouldContain("SMTP 451");
        // Base 1 min, attempt 1, no jitter.
        waiting.NextAttemptAt.ShouldBe(Start.AddMinutes(1));

        clock.Advance(TimeSpan.FromMinutes(1));
        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(1);
        SmtpServer.MessagesTo(maildir, deferred).Count.ShouldBe(1);
        outbox.Get("r:c2:e")!.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task A_broken_template_or_a_missing_recipient_is_dead_with_the_place_and_the_fix()
    {
        WriteTemplate("broken", "subject", "Fine");
        WriteTemplate("broken", "text", "line one\n{% if customer.name %}no end");
        var action = new InterventionAction { Channel = ActionChannel.Email, Template = "broken" };
        outbox.Enqueue(Make("r", "c1", "e", action, data: new() { ["customer.email"] = SmtpServer.UniqueAddress("x") }));
        outbox.Enqueue(Make("r", "c2", "e", action with { Template = "absent" }, data: new() { ["customer.email"] = SmtpServer.UniqueAddress("y") }));
        outbox.Enqueue(Make("r", "c3", "e", new InterventionAction { Channel = ActionChannel.Email, Subject = "Hi" }));
        outbox.Enqueue(Make("r", "c4", "e", new InterventionAction { Channel = ActionChannel.Email, Subject = "Hi" }, data: new() { ["customer.email"] = "not an address" }));
        outbox.Enqueue(Make("r", "c5", "e", action with { Template = "../etc/passwd" }, data: new() { ["customer.email"] = SmtpServer.UniqueAddress("z") }));

        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Dead.ShouldBe(5);

        outbox.Get("r:c1:e")!.LastError!.ShouldContain(Path.Combine(dir.File("templates"), "broken.text.liquid") + ":2:");
        outbox.Get("r:c2:e")!.LastError!.ShouldContain("email template 'absent' has no absent.subject.liquid");
        outbox.Get("r:c3:e")!.LastError!.ShouldContain("no recipient for customer c3: the customer's email trait (customer.email) is empty");
        outbox.Get("r:c4:e")!.LastError!.ShouldContain("recipient 'not an address' from the customer's email trait (customer.email) is not an email address");
        outbox.Get("r:c5:e")!.LastError!.ShouldContain("template name '../etc/passwd' must be letters, digits");
    }

    [Fact]
    public async Task The_action_to_may_name_another_recipient_with_liquid()
    {
        var csm = SmtpServer.UniqueAddress("csm");
        outbox.Enqueue(Make("alert", "c9", "e", new InterventionAction { Channel = ActionChannel.Email, Subject = "{{ customer.name }} is at risk", To = "{{ customer.csm_email }}" },
            data: new() { ["customer.email"] = SmtpServer.UniqueAddress("customer"), ["customer.csm_email"] = csm, ["customer.name"] = "Dora" }));

        (await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken)).Sent.ShouldBe(1);

        SmtpServer.MessagesTo(maildir, csm).ShouldHaveSingleItem().Subject.ShouldBe("Dora is at risk");
    }

    private void WriteTemplate(string name, string part, string text) =>
        File.WriteAllText(Path.Combine(dir.File("templates"), $"{name}.{part}.liquid"), text, Encoding.UTF8);

    private static string UnsubscribeLink(MimeMessage message)
    {
        var header = message.Headers["List-Unsubscribe"];
        var match = AngleBrackets().Match(header ?? "");
        match.Success.ShouldBeTrue($"List-Unsubscribe '{header}' is not <url>");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("^<(https://[^>]+)>$")]
    private static partial Regex AngleBrackets();

    internal static string ExpectedMessageId(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] + "@trailmap.test";
}
