using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Web.Accounts;
using Trailmap.Web.Security;

namespace Trailmap.Web.Ingestion;

/// <summary>
/// Segment's HTTP Tracking API (/v1/track, identify, group, page, screen, alias, batch and import) for write
/// keys, so an existing Segment or RudderStack client can send to Trailmap by changing its host. A 200 means the
/// messages are on disk in the spool; the <see cref="IngestPump"/> moves them into the store within a second or two.
/// </summary>
public static class IngestEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        // Policies.Ingest authenticates API keys only, so a signed-in member would get 401 ("who are you?"). The
        // workspace scheme added here also reads the session cookie: a member is known and gets 403 (write keys only).
        var ingest = routes.MapGroup("/v1")
            .RequireAuthorization(Policies.Ingest)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = WorkspaceAuth.Scheme })
            .RequireRateLimiting(RateLimits.Ingest)
            .WithTags("Ingestion");
        foreach (var type in SegmentMessage.Types)
        {
            ingest.MapPost("/" + type, (HttpContext context, Spool spool, TimeProvider time) => SingleAsync(context, type, spool, time))
                .WithSummary($"One Segment {type} call");
        }

        ingest.MapPost("/batch", BatchAsync).WithSummary("Several Segment calls at once: {\"batch\": [...]}");
        ingest.MapPost("/import", BatchAsync).WithSummary("The same as /v1/batch (Segment's older name for it)");

        routes.MapGet("/v1/status", (IngestPump pump) => TypedResults.Ok(pump.Status()))
            .RequireAuthorization(Policies.Viewer).WithTags("Ingestion").WithSummary("The ingestion spool and pump: queued data, the last import, the last error");
    }

    private static async Task SingleAsync(HttpContext context, string type, Spool spool, TimeProvider time)
    {
        var body = await ReadBodyAsync(context, IngestLimits.MessageBytes, "A single message").ConfigureAwait(false);
        if (body.Error is not null)
        {
            await WriteErrorAsync(context, body.Status, body.Error).ConfigureAwait(false);
            return;
        }

        var lines = new ArrayBufferWriter<byte>(body.Length + 256);
        var error = Single(body, type, time.GetUtcNow(), lines);
        if (error is not null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (await AppendAsync(context, spool, lines.WrittenMemory, 1).ConfigureAwait(false))
        {
            await WriteJsonAsync(context, StatusCodes.Status200OK, w => w.WriteBoolean("success"u8, true)).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the body's one message as a spool line, or says what is wrong with it.</summary>
    private static string? Single(Body body, string type, DateTimeOffset receivedAt, ArrayBufferWriter<byte> lines)
    {
        try
        {
            using var document = SegmentBatch.Parse(body.Bytes.AsMemory(0, body.Length), out var parseError);
            if (document is null)
            {
                return parseError;
            }

            using var writer = new Utf8JsonWriter(lines);
            if (SegmentMessage.Write(document.RootElement, type, receivedAt, default, writer) is { } reason)
            {
                return "The message " + reason + ".";
            }

            writer.Flush();
            lines.Write("\n"u8);
            return null;
        }
        finally
        {
            body.Return();
        }
    }

    private static async Task BatchAsync(HttpContext context, Spool spool, TimeProvider time)
    {
        var body = await ReadBodyAsync(context, IngestLimits.BatchBytes, "A batch").ConfigureAwait(false);
        if (body.Error is not null)
        {
            await WriteErrorAsync(context, body.Status, body.Error).ConfigureAwait(false);
            return;
        }

        var lines = new ArrayBufferWriter<byte>(body.Length + 1024);
        var rejected = new List<(int Index, string Reason)>();
        var (accepted, error) = Batch(body, time.GetUtcNow(), lines, rejected);
        if (error is not null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (accepted > 0 && !await AppendAsync(context, spool, lines.WrittenMemory, accepted).ConfigureAwait(false))
        {
            return;
        }

        // Nothing usable is a client error; a partly good batch keeps its good messages and says which were not.
        var status = accepted == 0 && rejected.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        await WriteJsonAsync(context, status, w =>
        {
            w.WriteBoolean("success"u8, status == StatusCodes.Status200OK);
            if (status != StatusCodes.Status200OK)
            {
                w.WriteString("error"u8, "No message of the batch was accepted; see \"rejected\" for why.");
            }

            w.WriteNumber("accepted"u8, accepted);
            w.WriteStartArray("rejected"u8);
            foreach (var (i, reason) in rejected)
            {
                w.WriteStartObject();
                w.WriteNumber("index"u8, i);
                w.WriteString("reason"u8, reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>Writes the batch's good messages as spool lines and lists the others; an error when the envelope is wrong.</summary>
    private static (int Accepted, string? Error) Batch(Body body, DateTimeOffset receivedAt, ArrayBufferWriter<byte> lines, List<(int Index, string Reason)> rejected)
    {
        try
        {
            return SegmentBatch.Write(body.Bytes.AsMemory(0, body.Length), receivedAt, lines, rejected);
        }
        finally
        {
            body.Return();
        }
    }

    /// <summary>Waits until the lines are fsynced; when the disk refuses them, answers 503 so the client retries.</summary>
    private static async Task<bool> AppendAsync(HttpContext context, Spool spool, ReadOnlyMemory<byte> lines, int messages)
    {
        try
        {
            await spool.AppendAsync(lines, messages).ConfigureAwait(false);
            return true;
        }
        catch (IOException ex)
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, ex.Message).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>
    /// Reads the body into a pooled buffer, undoing gzip (which some clients use), and refuses bodies over the
    /// limit with 413 before reading them when Content-Length already says so.
    /// </summary>
    private static async Task<Body> ReadBodyAsync(HttpContext context, int limit, string what)
    {
        var tooLarge = $"{what} may be at most {limit / 1024} KB ({limit:N0} bytes), as with Segment; split it into smaller requests.";
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return Body.Fail(StatusCodes.Status415UnsupportedMediaType, $"Content-Encoding \"{encoding}\" is not supported; send the body plain or gzip-compressed.");
        }

        if (!gzip && context.Request.ContentLength > limit)
        {
            return Body.Fail(StatusCodes.Status413PayloadTooLarge, tooLarge);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        var length = 0;
        try
        {
            var stream = gzip ? new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true) : context.Request.Body;
            await using (stream.ConfigureAwait(false))
            {
                while (length <= limit)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(length, limit + 1 - length), context.RequestAborted).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return new Body(buffer, length, 200, null);
                    }

                    length += read;
                }
            }
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return Body.Fail(StatusCodes.Status400BadRequest, "The body says Content-Encoding: gzip but is not valid gzip data.");
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        ArrayPool<byte>.Shared.Return(buffer);
        return Body.Fail(StatusCodes.Status413PayloadTooLarge, tooLarge);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        WriteJsonAsync(context, status, w =>
        {
            w.WriteBoolean("success"u8, false);
            w.WriteString("error"u8, message);
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private readonly record struct Body(byte[] Bytes, int Length, int Status, string? Error)
    {
        public static Body Fail(int status, string error) => new([], 0, status, error);

        public void Return()
        {
            if (Bytes.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Bytes);
            }
        }
    }
}
