using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Trailmap.Events;

namespace Trailmap.Web.Ingestion;

/// <summary>
/// A /v1/batch body turned into spool lines: each good message becomes one line (see <see cref="SegmentMessage"/>),
/// each bad one a reason with its index. Kept apart from the endpoint so the bench can measure it alone.
/// </summary>
public static class SegmentBatch
{
    /// <summary>Writes the batch's good messages as spool lines and lists the others; an error when the envelope is wrong.</summary>
    public static (int Accepted, string? Error) Write(ReadOnlyMemory<byte> body, DateTimeOffset receivedAt, ArrayBufferWriter<byte> lines, List<(int Index, string Reason)> rejected)
    {
        using var document = Parse(body, out var parseError);
        if (document is null)
        {
            return (0, parseError);
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            return (0, "A batch is a JSON object with a \"batch\" array of messages: {\"batch\": [{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Signed Up\"}]}.");
        }

        root.TryGetProperty("sentAt", out var sentAt);
        if (sentAt.ValueKind == JsonValueKind.String && JsonEscapes.FindLoneSurrogate(JsonMarshal.GetRawUtf8Value(sentAt)) is { } escape)
        {
            return (0, $"The batch's \"sentAt\" has the escape {escape}, half of a UTF-16 surrogate pair; send an ISO 8601 date-time such as \"2024-05-01T12:30:00.000Z\".");
        }

        using var writer = new Utf8JsonWriter(lines);
        var index = 0;
        var accepted = 0;
        foreach (var message in batch.EnumerateArray())
        {
            if (SegmentMessage.Write(message, null, receivedAt, sentAt, writer) is { } reason)
            {
                rejected.Add((index, $"batch[{index}] {reason}"));
            }
            else
            {
                writer.Flush();
                lines.Write("\n"u8);
                writer.Reset(lines);
                accepted++;
            }

            index++;
        }

        return (accepted, null);
    }

    /// <summary>The body as a JSON document, or null and a message saying where it is not JSON.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> body, out string? error)
    {
        error = null;
        if (!Utf8.IsValid(body.Span))
        {
            // The parser does not check the bytes inside strings; reading them later would fail mid-message.
            error = $"The body is not valid UTF-8 (the first bad byte is at offset {FirstInvalidUtf8(body.Span):N0}). Send JSON encoded as UTF-8 with Content-Type: application/json.";
            return null;
        }

        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "";
            error = $"The body is not valid JSON{where}. Send a JSON object with Content-Type: application/json.";
            return null;
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[at..], out _, out var consumed) != OperationStatus.Done)
            {
                return at;
            }

            at += consumed;
        }

        return at;
    }
}
