using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trailmap.Drafting.Tests;

/// <summary>What the scripted endpoint does with the next request.</summary>
internal abstract record ScriptedAnswer
{
    /// <summary>An assistant message: streamed in chunks as server-sent events when the request asks for a stream.</summary>
    public sealed record Text(string Content) : ScriptedAnswer;

    /// <summary>An error status with an OpenAI-style error body, e.g. 429 with a Retry-After.</summary>
    public sealed record Status(int Code) : ScriptedAnswer;

    /// <summary>No answer for this long (the client's timeout should fire first).</summary>
    public sealed record Silence(TimeSpan For) : ScriptedAnswer;

    /// <summary>The answer streamed after <paramref name="After"/> of silence: a slow model, within the client's timeout.</summary>
    public sealed record Slow(string Content, TimeSpan After) : ScriptedAnswer;

    /// <summary>A stream that sends the first half of <paramref name="Content"/> and then nothing for <paramref name="For"/>.</summary>
    public sealed record Stall(string Content, TimeSpan For) : ScriptedAnswer;
}

/// <summary>
/// A loopback server that speaks the OpenAI chat completions protocol (POST /v1/chat/completions, streaming as
/// server-sent events or one JSON answer) and answers each request with the next scripted answer. It records every
/// request body, so tests can check what the client sent (the structured-output schema, the repair messages).
/// </summary>
internal sealed class ScriptedChatServer : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Queue<ScriptedAnswer> script;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly Lock gate = new();
    private readonly List<JsonObject> requests = [];

    private ScriptedChatServer(IEnumerable<ScriptedAnswer> answers)
    {
        script = new Queue<ScriptedAnswer>(answers);
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/v1");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public IReadOnlyList<JsonObject> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static ScriptedChatServer Start(params ScriptedAnswer[] answers) => new(answers);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync(stop.Token))!.AsObject();
            ScriptedAnswer? answer;
            lock (gate)
            {
                requests.Add(body);
                script.TryDequeue(out answer);
            }

            switch (answer)
            {
                case ScriptedAnswer.Text text when body["stream"]?.GetValue<bool>() == true:
                    await StreamAsync(response, text.Content);
                    break;
                case ScriptedAnswer.Text text:
                    await WriteJsonAsync(response, 200, Completion(text.Content));
                    break;
                case ScriptedAnswer.Status status:
                    response.AddHeader("Retry-After", "0");
                    response.AddHeader("retry-after-ms", "10");
                    await WriteJsonAsync(response, status.Code, new JsonObject
                    {
                        ["error"] = new JsonObject { ["message"] = $"scripted {status.Code}", ["type"] = status.Code == 429 ? "rate_limit_error" : "server_error" },
                    });
                    break;
                case ScriptedAnswer.Slow slow:
                    await Task.Delay(slow.After, stop.Token);
                    await StreamAsync(response, slow.Content);
                    break;
                case ScriptedAnswer.Stall stall:
                    await StreamAsync(response, stall.Content[..(stall.Content.Length / 2)], end: false);
                    await Task.Delay(stall.For, stop.Token);
                    response.Abort();
                    break;
                case ScriptedAnswer.Silence silence:
                    await Task.Delay(silence.For, stop.Token);
                    response.Abort();
                    break;
                default:
                    await WriteJsonAsync(response, 500, new JsonObject { ["error"] = new JsonObject { ["message"] = "the script has no more answers" } });
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client gave up (a timeout test) or the server is stopping.
        }
    }

    private static JsonObject Chunk(JsonObject delta, string? finish) => new()
    {
        ["id"] = "chatcmpl-scripted",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_767_225_600,
        ["model"] = "scripted",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };

    private static JsonObject Completion(string content) => new()
    {
        ["id"] = "chatcmpl-scripted",
        ["object"] = "chat.completion",
        ["created"] = 1_767_225_600,
        ["model"] = "scripted",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
    };

    private async Task StreamAsync(HttpListenerResponse response, string content, bool end = true)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.SendChunked = true;
        var output = response.OutputStream;
        async Task SendAsync(string data)
        {
            var bytes = Encoding.UTF8.GetBytes($"data: {data}\n\n");
            await output.WriteAsync(bytes, stop.Token);
            await output.FlushAsync(stop.Token);
        }

        await SendAsync(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null).ToJsonString());
        for (var i = 0; i < content.Length; i += 64)
        {
            await SendAsync(Chunk(new JsonObject { ["content"] = content.Substring(i, Math.Min(64, content.Length - i)) }, null).ToJsonString());
        }

        if (!end)
        {
            return;
        }

        await SendAsync(Chunk([], "stop").ToJsonString());
        await SendAsync("[DONE]");
        response.Close();
    }

    private async Task WriteJsonAsync(HttpListenerResponse response, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions()));
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes, stop.Token);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        // Close alone: after Stop, the managed HttpListener's Close binds the port again to remove its prefixes, which
        // fails with "Address already in use" when another process has taken the port meanwhile.
        listener.Close();
        try
        {
#pragma warning disable VSTHRD003 // The serving loop was started by this object's constructor; no context to deadlock on in tests.
            await loop;
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        stop.Dispose();
    }
}
