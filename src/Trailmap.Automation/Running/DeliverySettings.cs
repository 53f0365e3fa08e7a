using MailKit.Security;
using Trailmap.Delivery;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Running;

/// <summary>
/// How the running rules deliver: SMTP for email, the webhook signing secret, the Slack incoming webhook and the
/// public address for unsubscribe links. <c>trailmap serve</c> and <c>trailmap automate</c> take them from flags and
/// from TRAILMAP_* environment variables (flags win). A channel without its settings is not configured: its messages
/// wait in the outbox, pending, until it is. See docs/automation.md, "Delivery settings".
/// </summary>
public sealed record DeliverySettings
{
    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 587;

    /// <summary>The From header, e.g. <c>Acme &lt;hello@acme.example&gt;</c>.</summary>
    public string? SmtpFrom { get; init; }

    public string? SmtpUser { get; init; }

    public string? SmtpPassword { get; init; }

    /// <summary>auto (STARTTLS when offered, TLS on 465), starttls, tls or none.</summary>
    public string SmtpTls { get; init; } = "auto";

    /// <summary>The folder of NAME.subject.liquid, NAME.text.liquid and NAME.html.liquid email templates.</summary>
    public string? EmailTemplates { get; init; }

    /// <summary>The secret webhooks are signed with (at least 16 characters).</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>The Slack incoming-webhook URL for Slack actions without a url of their own.</summary>
    public string? SlackWebhookUrl { get; init; }

    /// <summary>The workspace's public address; unsubscribe links point at PUBLIC_URL/unsubscribe.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>
    /// Lets webhook and Slack requests reach loopback, private, link-local, carrier-grade NAT and unspecified addresses
    /// (see <see cref="DestinationGuard"/>). Default false; development and tests against local receivers need it.
    /// </summary>
    public bool AllowPrivateDestinations { get; init; }

    /// <summary>The path of the unsubscribe endpoint under <see cref="PublicUrl"/>.</summary>
    public const string UnsubscribePath = "/unsubscribe";

    /// <summary>Every environment variable read, by setting, for messages and docs.</summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["smtp-host"] = "TRAILMAP_SMTP_HOST",
        ["smtp-port"] = "TRAILMAP_SMTP_PORT",
        ["smtp-from"] = "TRAILMAP_SMTP_FROM",
        ["smtp-user"] = "TRAILMAP_SMTP_USER",
        ["smtp-password"] = "TRAILMAP_SMTP_PASSWORD",
        ["smtp-tls"] = "TRAILMAP_SMTP_TLS",
        ["email-templates"] = "TRAILMAP_EMAIL_TEMPLATES",
        ["webhook-secret"] = "TRAILMAP_WEBHOOK_SECRET",
        ["slack-webhook-url"] = "TRAILMAP_SLACK_WEBHOOK_URL",
        ["public-url"] = "TRAILMAP_PUBLIC_URL",
        ["allow-private-destinations"] = "TRAILMAP_ALLOW_PRIVATE_DESTINATIONS",
    };

    /// <summary>The settings the environment gives (TRAILMAP_SMTP_HOST and the others above).</summary>
    /// <exception cref="FormatException">TRAILMAP_SMTP_PORT is not a port number.</exception>
    public static DeliverySettings FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= System.Environment.GetEnvironmentVariable;
        string? Get(string setting) => read(Environment[setting]) is { Length: > 0 } v ? v : null;
        var port = Get("smtp-port");
        return new DeliverySettings
        {
            SmtpHost = Get("smtp-host"),
            SmtpPort = port is null ? 587 : ParsePort(port, Environment["smtp-port"]),
            SmtpFrom = Get("smtp-from"),
            SmtpUser = Get("smtp-user"),
            SmtpPassword = Get("smtp-password"),
            SmtpTls = Get("smtp-tls") ?? "auto",
            EmailTemplates = Get("email-templates"),
            WebhookSecret = Get("webhook-secret"),
            SlackWebhookUrl = Get("slack-webhook-url"),
            PublicUrl = Get("public-url"),
            AllowPrivateDestinations = Get("allow-private-destinations") is { } allow && ParseSwitch(allow, Environment["allow-private-destinations"]),
        };
    }

    /// <summary>true/1/yes or false/0/no, any case.</summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static bool ParseSwitch(string text, string source) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new FormatException($"{source} '{text}' is not true or false"),
    };

    public static int ParsePort(string text, string source) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
            ? p
            : throw new FormatException($"{source} '{text}' is not a port number (1-65535)");

    /// <summary>Why a channel is not configured, with the flag and variable that fix it; null when it is.</summary>
    public string? Missing(ActionChannel channel) => channel switch
    {
        ActionChannel.Email when SmtpHost is null || SmtpFrom is null =>
            "email is not configured: set --smtp-host and --smtp-from (or TRAILMAP_SMTP_HOST and TRAILMAP_SMTP_FROM)",
        ActionChannel.Email when PublicUrl is null =>
            "email needs the workspace's public address for unsubscribe links: set --public-url (or TRAILMAP_PUBLIC_URL)",
        ActionChannel.Webhook when WebhookSecret is null =>
            "webhooks are not configured: set --webhook-secret (or TRAILMAP_WEBHOOK_SECRET), a random string of at least 16 characters",
        ActionChannel.Slack when SlackWebhookUrl is null =>
            "Slack is not configured: set --slack-webhook-url (or TRAILMAP_SLACK_WEBHOOK_URL) to an incoming-webhook URL",
        _ => null,
    };

    /// <summary>The email channel's options, or null when email is not configured.</summary>
    public EmailOptions? Email() => Missing(ActionChannel.Email) is not null ? null : new EmailOptions
    {
        Host = SmtpHost!,
        Port = SmtpPort,
        From = SmtpFrom!,
        Username = SmtpUser,
        Password = SmtpPassword,
        Security = SmtpTls.ToLowerInvariant() switch
        {
            "auto" => SecureSocketOptions.Auto,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            _ => throw new FormatException($"SMTP TLS mode '{SmtpTls}' is not one of auto, starttls, tls, none"),
        },
        TemplateFolder = EmailTemplates,
        UnsubscribeUrl = PublicUrl!.TrimEnd('/') + UnsubscribePath,
    };
}

/// <summary>
/// The delivery channels built from <see cref="DeliverySettings"/>: the configured ones (in-app always) and, for each
/// channel that is not, why. Dispose it to close the SMTP connection.
/// </summary>
public sealed class DeliveryChannels : IAsyncDisposable
{
    private readonly EmailChannel? email;

    private DeliveryChannels(List<IDeliveryChannel> channels, Dictionary<ActionChannel, string> missing, EmailChannel? email)
    {
        Channels = channels;
        Missing = missing;
        this.email = email;
    }

    public IReadOnlyList<IDeliveryChannel> Channels { get; }

    /// <summary>Channels that are not configured, each with the settings that would configure it.</summary>
    public IReadOnlyDictionary<ActionChannel, string> Missing { get; }

    /// <exception cref="ArgumentException">A setting is present but wrong (a From that is no address, a short secret).</exception>
    /// <param name="settings">What is configured.</param>
    /// <param name="outbox">The in-app channel's and the suppression list's store.</param>
    /// <param name="tokens">Signs the emails' unsubscribe links.</param>
    /// <param name="http">Makes the webhook and Slack channels' client (<see cref="OutboundHttp"/>), which applies <see cref="DeliverySettings.AllowPrivateDestinations"/>.</param>
    /// <param name="time">The clock.</param>
    public static DeliveryChannels Create(DeliverySettings settings, Outbox outbox, UnsubscribeTokens tokens, IHttpClientFactory http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var channels = new List<IDeliveryChannel> { new InAppChannel(new InAppQueue(outbox)) };
        var missing = new Dictionary<ActionChannel, string>();
        EmailChannel? email = null;
        foreach (var channel in new[] { ActionChannel.Email, ActionChannel.Webhook, ActionChannel.Slack })
        {
            if (settings.Missing(channel) is { } why)
            {
                missing[channel] = why;
                continue;
            }

            switch (channel)
            {
                case ActionChannel.Email:
                    email = new EmailChannel(settings.Email()!, new SuppressionList(outbox, tokens), time);
                    channels.Add(email);
                    break;
                case ActionChannel.Webhook:
                    channels.Add(new WebhookChannel(http, new WebhookOptions { Secret = settings.WebhookSecret! }, time));
                    break;
                default:
                    channels.Add(new SlackChannel(http, new SlackOptions { WebhookUrl = settings.SlackWebhookUrl }, time));
                    break;
            }
        }

        return new DeliveryChannels(channels, missing, email);
    }

    /// <summary>
    /// A dispatcher over these channels that leaves messages of unconfigured channels pending (no attempt counted),
    /// so they go out once the channel is configured instead of becoming dead letters.
    /// </summary>
    public Dispatcher Dispatcher(Outbox outbox, TimeProvider time, DispatcherOptions? options = null, Microsoft.Extensions.Logging.ILogger? log = null) =>
        new(outbox, Channels, (options ?? new DispatcherOptions()) with { LeaveUnconfiguredPending = true }, time)
        {
            Log = log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        };

    public async ValueTask DisposeAsync()
    {
        if (email is not null)
        {
            await email.DisposeAsync().ConfigureAwait(false);
        }
    }
}
