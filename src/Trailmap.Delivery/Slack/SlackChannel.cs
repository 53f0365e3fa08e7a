using System.Text.Json;
using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

public sealed record SlackOptions
{
    /// <summary>The workspace's incoming-webhook URL, used when an action has no url of its own.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>How long Slack may take to answer. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Posts Slack actions to an incoming webhook as {"text": ...}: the action's message (else its subject) rendered
/// with Liquid, customer data escaped for Slack so it cannot forge links or mentions. HTTP outcomes as for webhooks.
/// </summary>
public sealed class SlackChannel : IDeliveryChannel
{
    private readonly Func<HttpClient> http;
    private readonly SlackOptions options;
    private readonly TimeProvider time;

    /// <summary>Sends with <paramref name="http"/>, which the caller owns and configures (tests).</summary>
    public SlackChannel(HttpClient http, SlackOptions options, TimeProvider? time = null)
        : this(() => http, options, time)
    {
        ArgumentNullException.ThrowIfNull(http);
    }

    /// <summary>Sends with the factory's delivery client (<see cref="OutboundHttp"/>): guarded destinations, fresh DNS.</summary>
    public SlackChannel(IHttpClientFactory clients, SlackOptions options, TimeProvider? time = null)
        : this(() => clients.CreateClient(OutboundHttp.ClientName), options, time)
    {
        ArgumentNullException.ThrowIfNull(clients);
    }

    private SlackChannel(Func<HttpClient> http, SlackOptions options, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        this.options = options;
        this.time = time ?? TimeProvider.System;
    }

    public ActionChannel Channel => ActionChannel.Slack;

    public async Task<DeliveryResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (url, error) = HttpDelivery.ParseUrl(entry.Action.Url ?? options.WebhookUrl, $"rule {entry.RuleId}: the Slack action (or SlackOptions.WebhookUrl)");
        if (url is null)
        {
            return DeliveryResult.Failed(error!);
        }

        var source = entry.Action.Message ?? entry.Action.Subject;
        if (string.IsNullOrWhiteSpace(source))
        {
            return DeliveryResult.Failed($"rule {entry.RuleId}: the Slack action has no message");
        }

        string text;
        try
        {
            text = await LiquidTemplate.ParseCached(source, $"rule {entry.RuleId}: message")
                .RenderAsync(TemplateModel.Build(entry), Escaping.Slack).ConfigureAwait(false);
        }
        catch (TemplateError e)
        {
            return DeliveryResult.Failed(e.Message);
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteEndObject();
        }

        return await HttpDelivery.PostAsync(http(), url, HttpDelivery.Json(buffer.ToArray()), options.Timeout, time, cancellationToken)
            .ConfigureAwait(false);
    }
}
