using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Trailmap.Testing;

/// <summary>One request a <see cref="WebhookReceiver"/> got.</summary>
internal sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredWith)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) that records every request and answers with the next status of
/// a script (the last one repeats), optionally with a Retry-After header.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<ReceivedRequest> received = new();
    private readonly int[] script;
    private readonly string? retryAfter;
    private readonly Task loop;
    private int count;

    public WebhookReceiver(int[]? statuses = null, string? retryAfter = null)
    {
        script = statuses is { Length: > 0 } ? statuses : [200];
        this.retryAfter = retryAfter;
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            try
            {
                listener.Prefixes.Clear();
                listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                listener.Start();
                Url = $"http://127.0.0.1:{port}/hook";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Someone took the port between probing and binding: try another.
            }
        }

        loop = Task.Run(ServeAsync);
    }

    public string Url { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Requests => [.. received];

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var n = Interlocked.Increment(ref count);
            var status = script[Math.Min(n, script.Length) - 1];
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            received.Enqueue(new ReceivedRequest(context.Request.Url!.AbsolutePath, headers, body.ToArray(), status));
            context.Response.StatusCode = status;
            if (retryAfter is not null && status != 200)
            {
                context.Response.Headers["Retry-After"] = retryAfter;
            }

            var answer = System.Text.Encoding.UTF8.GetBytes(status == 200 ? "ok" : "scripted failure");
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: after Stop, the managed HttpListener's Close binds the port again to remove its prefixes, which
        // fails with "Address already in use" when another process has taken the port meanwhile.
        listener.Close();
#pragma warning disable VSTHRD003 // The serving loop was started by this object's constructor; no context to deadlock on in tests.
        await loop;
#pragma warning restore VSTHRD003
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
