using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>
/// Sends email actions over SMTP with MailKit: one text and one HTML part rendered from Liquid, a Message-ID derived
/// from the idempotency key, List-Unsubscribe headers and a signed unsubscribe link. Suppressed addresses are skipped.
/// </summary>
/// <remarks>One SMTP connection, kept open between messages and used by one send at a time.</remarks>
public sealed class EmailChannel : IDeliveryChannel, IAsyncDisposable
{
    private readonly EmailOptions options;
    private readonly SuppressionList suppressions;
    private readonly EmailComposer composer;
    private readonly TimeProvider time;
    private readonly MailboxAddress from;
    private readonly string messageIdDomain;
    private readonly SemaphoreSlim gate = new(1, 1);
    private SmtpClient? client;

    public EmailChannel(EmailOptions options, SuppressionList suppressions, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(suppressions);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host);
        if (!MailboxAddress.TryParse(options.From, out var parsed))
        {
            throw new ArgumentException($"EmailOptions.From '{options.From}' is not an address; write it as \"Name <hello@example.com>\"", nameof(options));
        }

        if (!Uri.TryCreate(options.UnsubscribeUrl, UriKind.Absolute, out var unsubscribe) || unsubscribe.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"EmailOptions.UnsubscribeUrl '{options.UnsubscribeUrl}' must be an absolute http(s) URL", nameof(options));
        }

        this.options = options;
        this.suppressions = suppressions;
        this.time = time ?? TimeProvider.System;
        from = parsed;
        messageIdDomain = options.MessageIdDomain ?? parsed.Domain;
        composer = new EmailComposer(new EmailTemplates(options.TemplateFolder));
    }

    public ActionChannel Channel => ActionChannel.Email;

    /// <summary>The unsubscribe link for <paramref name="address"/>: the configured URL with a signed token.</summary>
    public string UnsubscribeLink(string address)
    {
        var separator = options.UnsubscribeUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return options.UnsubscribeUrl + separator + "token=" + Uri.EscapeDataString(suppressions.Tokens.Create(address));
    }

    public async Task<DeliveryResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        MimeMessage message;
        string recipient;
        try
        {
            var to = await RecipientAsync(entry).ConfigureAwait(false);
            if (to.Error is not null)
            {
                return DeliveryResult.Failed(to.Error);
            }

            recipient = to.Address!.Address;
            if (suppressions.Find(recipient) is { } suppressed)
            {
                return DeliveryResult.Suppressed($"{recipient} is suppressed ({suppressed.Reason}, since {suppressed.Since:u})");
            }

            var composed = await composer.ComposeAsync(entry, UnsubscribeLink(recipient)).ConfigureAwait(false);
            message = Build(entry, to.Address, composed, UnsubscribeLink(recipient));
        }
        catch (TemplateError e)
        {
            return DeliveryResult.Failed(e.Message);
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var smtp = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
            var reply = await smtp.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return DeliveryResult.Sent("smtp: " + reply);
        }
        catch (SmtpCommandException e)
        {
            // The server said no to this message: 5xx is permanent, 4xx may pass.
            var code = (int)e.StatusCode;
            var text = $"SMTP {code} to {recipient}: {e.Message}";
            await DropConnectionAsync().ConfigureAwait(false);
            return code >= 500 ? DeliveryResult.Failed(text) : DeliveryResult.Retry(text);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or TimeoutException
            or ServiceNotConnectedException or SslHandshakeException or AuthenticationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Connection trouble or a bad login: not this message's fault, so it waits and tries again.
            await DropConnectionAsync().ConfigureAwait(false);
            return DeliveryResult.Retry($"SMTP {options.Host}:{options.Port}: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropConnectionAsync().ConfigureAwait(false);
        gate.Dispose();
    }

    private async Task<(MailboxAddress? Address, string? Error)> RecipientAsync(OutboxEntry entry)
    {
        string? text;
        string source;
        if (!string.IsNullOrWhiteSpace(entry.Action.To))
        {
            var template = LiquidTemplate.ParseCached(entry.Action.To, $"rule {entry.RuleId}: to");
            text = (await template.RenderAsync(TemplateModel.Build(entry), Escaping.None).ConfigureAwait(false)).Trim();
            source = $"the action's to '{entry.Action.To}'";
        }
        else
        {
            text = entry.Data.GetValueOrDefault("customer.email")?.Trim();
            source = "the customer's email trait (customer.email)";
        }

        if (string.IsNullOrEmpty(text))
        {
            return (null, $"no recipient for customer {entry.CustomerId}: {source} is empty; set the trait or the action's to");
        }

        return MailboxAddress.TryParse(text, out var address) && address.Address.Contains('@', StringComparison.Ordinal)
            ? (address, null)
            : (null, $"recipient '{text}' from {source} is not an email address");
    }

    private MimeMessage Build(OutboxEntry entry, MailboxAddress to, ComposedEmail composed, string unsubscribeUrl)
    {
        var message = new MimeMessage
        {
            MessageId = MessageIds.For(entry.IdempotencyKey, messageIdDomain),
            Date = time.GetUtcNow(),
            Subject = composed.Subject,
        };
        message.From.Add(from);
        message.To.Add(to);
        // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to the link (one click).
        message.Headers.Add("List-Unsubscribe", "<" + unsubscribeUrl + ">");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        // A later attempt may repeat a message the server already took (a crash after its 250, a reply lost to a
        // timeout): say so, beside the unchanged Message-ID, so a duplicate can be recognised.
        message.Headers.Add(Redelivery.AttemptHeader, entry.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Redelivery.IsRedelivery(entry))
        {
            message.Headers.Add(Redelivery.Header, "true");
        }

        message.Body = new BodyBuilder { TextBody = composed.Text, HtmlBody = composed.Html }.ToMessageBody();
        return message;
    }

    private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (client is { IsConnected: true })
        {
            return client;
        }

        client?.Dispose();
        client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(options.Host, options.Port, options.Security, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(options.Username) && options.Password is not null)
        {
            await client.AuthenticateAsync(options.Username, options.Password, cancellationToken).ConfigureAwait(false);
        }

        return client;
    }

    private async Task DropConnectionAsync()
    {
        if (client is null)
        {
            return;
        }

        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or OperationCanceledException)
        {
            // Already broken: nothing to say goodbye to.
        }

        client.Dispose();
        client = null;
    }
}
