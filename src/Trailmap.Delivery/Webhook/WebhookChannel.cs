using System.Globalization;
using System.Text.Json;
using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

public sealed record WebhookOptions
{
    /// <summary>The workspace's signing secret (at least 16 characters); receivers verify with the same one.</summary>
    public required string Secret { get; init; }

    /// <summary>How long a receiver may take to answer before the attempt counts as failed (and is retried). Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Sends webhook actions: a signed JSON POST to the action's url. 2xx is sent; 408, 429, 5xx and network errors are
/// retried; every other status is a permanent failure. Body and headers: docs/delivery.md, "Webhook".
/// </summary>
public sealed class WebhookChannel : IDeliveryChannel
{
    public const string IdempotencyHeader = "X-Trailmap-Idempotency-Key";

    private readonly Func<HttpClient> http;
    private readonly WebhookOptions options;
    private readonly TimeProvider time;

    /// <summary>Sends with <paramref name="http"/>, which the caller owns and configures (tests).</summary>
    public WebhookChannel(HttpClient http, WebhookOptions options, TimeProvider? time = null)
        : this(() => http, options, time)
    {
        ArgumentNullException.ThrowIfNull(http);
    }

    /// <summary>Sends with the factory's delivery client (<see cref="OutboundHttp"/>): guarded destinations, fresh DNS.</summary>
    public WebhookChannel(IHttpClientFactory clients, WebhookOptions options, TimeProvider? time = null)
        : this(() => clients.CreateClient(OutboundHttp.ClientName), options, time)
    {
        ArgumentNullException.ThrowIfNull(clients);
    }

    private WebhookChannel(Func<HttpClient> http, WebhookOptions options, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.Secret) || options.Secret.Length < 16)
        {
            throw new ArgumentException("WebhookOptions.Secret must be at least 16 characters (use a random string)", nameof(options));
        }

        this.http = http;
        this.options = options;
        this.time = time ?? TimeProvider.System;
    }

    public ActionChannel Channel => ActionChannel.Webhook;

    public async Task<DeliveryResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (url, error) = HttpDelivery.ParseUrl(entry.Action.Url, $"rule {entry.RuleId}: the webhook action");
        if (url is null)
        {
            return DeliveryResult.Failed(error!);
        }

        string? message;
        try
        {
            message = string.IsNullOrWhiteSpace(entry.Action.Message)
                ? null
                : await LiquidTemplate.ParseCached(entry.Action.Message, $"rule {entry.RuleId}: message")
                    .RenderAsync(TemplateModel.Build(entry), Escaping.None).ConfigureAwait(false);
        }
        catch (TemplateError e)
        {
            return DeliveryResult.Failed(e.Message);
        }

        var body = Body(entry, message);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var content = HttpDelivery.Json(body);
        content.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        content.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(options.Secret, timestamp, body));
        content.Headers.Add(IdempotencyHeader, entry.IdempotencyKey);
        content.Headers.Add(Redelivery.AttemptHeader, entry.Attempts.ToString(CultureInfo.InvariantCulture));
        if (Redelivery.IsRedelivery(entry))
        {
            content.Headers.Add(Redelivery.Header, "true");
        }

        return await HttpDelivery.PostAsync(http(), url, content, options.Timeout, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The JSON body: the message's identity, its rendered message and its data, in a fixed order.</summary>
    public static byte[] Body(OutboxEntry entry, string? message)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", entry.IdempotencyKey);
            var (journey, rule) = RuleKeys.Split(entry.RuleId);
            json.WriteString("rule", rule);
            if (journey is not null)
            {
                json.WriteString("journey", journey);
            }

            json.WriteString("customer", entry.CustomerId);
            json.WriteString("due_at", entry.DueAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteNumber("attempt", entry.Attempts);
            if (message is null)
            {
                json.WriteNull("message");
            }
            else
            {
                json.WriteString("message", message);
            }

            json.WriteStartObject("data");
            foreach (var (key, value) in entry.Data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
