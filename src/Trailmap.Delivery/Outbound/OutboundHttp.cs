using Microsoft.Extensions.DependencyInjection;

namespace Trailmap.Delivery;

/// <summary>
/// The one HTTP client the webhook and Slack channels send with, from <see cref="IHttpClientFactory"/>: its handler
/// is recycled every <see cref="HandlerLifetime"/>, so a receiver's DNS change is picked up, and every connection goes
/// through <see cref="DestinationGuard"/>.
/// </summary>
public static class OutboundHttp
{
    /// <summary>The named client the channels use.</summary>
    public const string ClientName = "trailmap-delivery";

    /// <summary>How long a handler (and its pooled connections, and so its DNS answers) lives.</summary>
    public static readonly TimeSpan HandlerLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Registers the delivery client; <paramref name="allowPrivateDestinations"/> lifts the guard (development, tests).</summary>
    public static IServiceCollection AddOutboundHttp(this IServiceCollection services, bool allowPrivateDestinations)
    {
        // Each channel applies its own timeout per request.
        services.AddHttpClient(ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .SetHandlerLifetime(HandlerLifetime)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectCallback = DestinationGuard.ConnectCallback(allowPrivateDestinations),
                // A redirect is a permanent failure (see HttpDelivery), never a second request the receiver chose.
                AllowAutoRedirect = false,
                // Through a proxy the guard would judge the proxy's address, not the receiver's.
                UseProxy = false,
            });
        return services;
    }

    /// <summary>A factory outside a host (the CLI, tests): dispose it to release its handlers.</summary>
    public static OutboundClients Create(bool allowPrivateDestinations) =>
        new(new ServiceCollection().AddOutboundHttp(allowPrivateDestinations).BuildServiceProvider());
}

/// <summary>An <see cref="IHttpClientFactory"/> with the delivery client, owning its service provider.</summary>
public sealed class OutboundClients(ServiceProvider services) : IDisposable
{
    public IHttpClientFactory Factory { get; } = services.GetRequiredService<IHttpClientFactory>();

    /// <summary>The delivery client (cheap: the factory pools the handler).</summary>
    public HttpClient Client() => Factory.CreateClient(OutboundHttp.ClientName);

    public void Dispose() => services.Dispose();
}
