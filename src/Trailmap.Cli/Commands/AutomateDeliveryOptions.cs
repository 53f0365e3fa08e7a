using System.CommandLine;
using Trailmap.Automation.Running;

namespace Trailmap.Cli.Commands;

/// <summary>
/// The delivery flags shared by <c>automate</c>, <c>serve</c> and <c>demo</c>: SMTP, webhook secret, Slack, public URL.
/// Each falls back to its TRAILMAP_* environment variable, so secrets need not appear on a command line.
/// </summary>
public sealed class AutomateDeliveryOptions
{
    public Option<string?> SmtpHost { get; } = new("--smtp-host") { Description = "SMTP server for email actions (env TRAILMAP_SMTP_HOST)" };

    public Option<string?> SmtpPort { get; } = new("--smtp-port") { Description = "SMTP port, default 587 (env TRAILMAP_SMTP_PORT)" };

    public Option<string?> SmtpFrom { get; } = new("--smtp-from") { Description = "From address of emails, e.g. \"Acme <hello@acme.example>\" (env TRAILMAP_SMTP_FROM)" };

    public Option<string?> SmtpUser { get; } = new("--smtp-user") { Description = "SMTP login user (env TRAILMAP_SMTP_USER)" };

    public Option<string?> SmtpPassword { get; } = new("--smtp-password") { Description = "SMTP login password; prefer the env TRAILMAP_SMTP_PASSWORD, a flag shows in the process list" };

    public Option<string?> SmtpTls { get; } = new("--smtp-tls") { Description = "auto (STARTTLS when offered, TLS on 465; the default), starttls, tls or none (env TRAILMAP_SMTP_TLS)" };

    public Option<string?> EmailTemplates { get; } = new("--email-templates") { Description = "Folder of NAME.subject.liquid, NAME.text.liquid and NAME.html.liquid email templates (env TRAILMAP_EMAIL_TEMPLATES)" };

    public Option<string?> WebhookSecret { get; } = new("--webhook-secret") { Description = "Secret that signs webhook actions, at least 16 characters (env TRAILMAP_WEBHOOK_SECRET)" };

    public Option<string?> SlackWebhookUrl { get; } = new("--slack-webhook-url") { Description = "Slack incoming-webhook URL for Slack actions (env TRAILMAP_SLACK_WEBHOOK_URL)" };

    public Option<string?> PublicUrl { get; } = new("--public-url") { Description = "The workspace's public address; emails link to PUBLIC_URL/unsubscribe (env TRAILMAP_PUBLIC_URL)" };

    public Option<bool> AllowPrivateDestinations { get; } = new("--allow-private-destinations")
    {
        Description = "Let webhook and Slack actions reach loopback, private, link-local and carrier-grade NAT addresses (refused by default, because journey YAML sets the URLs); for development and tests (env TRAILMAP_ALLOW_PRIVATE_DESTINATIONS=true)",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new[] { SmtpHost, SmtpPort, SmtpFrom, SmtpUser, SmtpPassword, SmtpTls, EmailTemplates, WebhookSecret, SlackWebhookUrl, PublicUrl })
        {
            command.Options.Add(option);
        }

        command.Options.Add(AllowPrivateDestinations);
    }

    /// <summary>The settings from the flags, each missing one from its environment variable; checked for obvious mistakes.</summary>
    public DeliverySettings Read(ParseResult parse, Func<string, string?>? environment = null)
    {
        DeliverySettings env;
        try
        {
            env = DeliverySettings.FromEnvironment(environment);
        }
        catch (FormatException e)
        {
            throw new UserError(e.Message);
        }

        var port = parse.GetValue(SmtpPort);
        var settings = new DeliverySettings
        {
            SmtpHost = parse.GetValue(SmtpHost) ?? env.SmtpHost,
            SmtpPort = port is null ? env.SmtpPort : Port(port),
            SmtpFrom = parse.GetValue(SmtpFrom) ?? env.SmtpFrom,
            SmtpUser = parse.GetValue(SmtpUser) ?? env.SmtpUser,
            SmtpPassword = parse.GetValue(SmtpPassword) ?? env.SmtpPassword,
            SmtpTls = parse.GetValue(SmtpTls) ?? env.SmtpTls,
            EmailTemplates = parse.GetValue(EmailTemplates) ?? env.EmailTemplates,
            WebhookSecret = parse.GetValue(WebhookSecret) ?? env.WebhookSecret,
            SlackWebhookUrl = parse.GetValue(SlackWebhookUrl) ?? env.SlackWebhookUrl,
            PublicUrl = parse.GetValue(PublicUrl) ?? env.PublicUrl,
            AllowPrivateDestinations = parse.GetValue(AllowPrivateDestinations) || env.AllowPrivateDestinations,
        };
        Check(settings);
        return settings;
    }

    private static int Port(string text)
    {
        try
        {
            return DeliverySettings.ParsePort(text, "--smtp-port");
        }
        catch (FormatException e)
        {
            throw new UserError(e.Message);
        }
    }

    private static void Check(DeliverySettings s)
    {
        if (s.SmtpTls.ToLowerInvariant() is not ("auto" or "starttls" or "tls" or "none"))
        {
            throw new UserError($"--smtp-tls '{s.SmtpTls}' is not one of auto, starttls, tls, none");
        }

        if (s.SmtpHost is not null && s.SmtpFrom is not null && !MimeKit.MailboxAddress.TryParse(s.SmtpFrom, out _))
        {
            throw new UserError($"--smtp-from '{s.SmtpFrom}' is not an address; write it as \"Name <hello@example.com>\"");
        }

        if (s.WebhookSecret is { Length: < 16 })
        {
            throw new UserError("--webhook-secret must be at least 16 characters (use a random string, e.g. from `openssl rand -hex 32`)");
        }

        if (s.PublicUrl is not null && !(Uri.TryCreate(s.PublicUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
        {
            throw new UserError($"--public-url '{s.PublicUrl}' must be an absolute http(s) URL, e.g. https://trailmap.example.com");
        }

        if (s.SlackWebhookUrl is not null && !(Uri.TryCreate(s.SlackWebhookUrl, UriKind.Absolute, out var slack) && slack.Scheme is "http" or "https"))
        {
            throw new UserError($"--slack-webhook-url '{s.SlackWebhookUrl}' must be an absolute http(s) URL");
        }

        if (s.EmailTemplates is not null && !Directory.Exists(s.EmailTemplates))
        {
            throw new UserError($"--email-templates '{s.EmailTemplates}' is not a folder");
        }
    }
}
