using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Delivery;

namespace Trailmap.DeliveryBench;

/// <summary>
/// The webhook receiver of the benches: Kestrel on 127.0.0.1, answering 200 to POST /hook and noting when each
/// message (by the body's "id", the idempotency key) first arrived, as a Stopwatch timestamp (same process) and as
/// Unix microseconds (to compare with another process's clock: the event-to-action harness). Kestrel rather than
/// HttpListener because the receiver shares the bench's two cores, and HttpListener costs several times more CPU
/// per request. It verifies every signature, as a real receiver must, so that cost is in the numbers too.
/// </summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string secret;

    private WebhookSink(WebApplication app, string secret)
    {
        this.app = app;
        this.secret = secret;
    }

    public ConcurrentDictionary<string, (long Timestamp, long UnixMicros)> Arrivals { get; } = new(StringComparer.Ordinal);

    public int BadSignatures => badSignatures;

    private int badSignatures;

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookSink> StartAsync(string secret, int port = 0)
    {
        // The empty builder reads no appsettings files, so it takes no inotify watch (a shared machine runs out).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var sink = new WebhookSink(app, secret);
        app.MapPost("/hook", (Func<HttpContext, Task<IResult>>)sink.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.Url = new Uri(new Uri(address), "/hook");
        return sink;
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        var at = Stopwatch.GetTimestamp();
        var unix = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        if (WebhookSignature.Verify(
                secret,
                context.Request.Headers[WebhookSignature.TimestampHeader],
                bytes,
                context.Request.Headers[WebhookSignature.SignatureHeader],
                TimeProvider.System.GetUtcNow()) != WebhookVerification.Valid)
        {
            Interlocked.Increment(ref badSignatures);
            return Results.StatusCode(401);
        }

        using var json = JsonDocument.Parse(bytes);
        Arrivals.TryAdd(json.RootElement.GetProperty("id").GetString()!, (at, unix));
        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
