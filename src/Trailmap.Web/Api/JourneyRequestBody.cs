using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Trailmap.Journeys.Parsing;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Web.Api;

/// <summary>
/// Reads a journey from a request body: YAML as text (text/yaml, application/x-yaml, application/yaml, text/plain)
/// with an optional <c>?message=</c>, or JSON <c>{"yaml": "...", "message": "..."}</c>.
/// </summary>
internal static class JourneyRequestBody
{
    public static readonly string[] YamlTypes = ["text/yaml", "application/x-yaml", "application/yaml", "text/plain"];

    public const string Hint = "Send the journey's YAML as the body with Content-Type: text/yaml, or JSON {\"yaml\": \"...\"} with Content-Type: application/json.";

    /// <summary>The largest body: a journey file's limit, the JSON around it included.</summary>
    public const int MaxBodyBytes = JourneyLimits.MaxFileBytes;

    /// <summary>The YAML and message, or the problem to answer with.</summary>
    public static async Task<(string Yaml, string? Message, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancel)
    {
        var type = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : null;
        if (request.ContentLength > MaxBodyBytes)
        {
            return ("", null, TooLarge());
        }

        string text;
        try
        {
            if (await ReadBoundedAsync(request.Body, cancel).ConfigureAwait(false) is not { } body)
            {
                return ("", null, TooLarge());
            }

            using var reader = new StreamReader(body);
            text = await reader.ReadToEndAsync(cancel).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // The server's own limits or a broken chunked body: the client's fault, with the server's status.
            return ("", null, ApiResults.Bad($"The body could not be read: {e.Message}. " + Hint, e.StatusCode));
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return ("", null, ApiResults.Bad("The body is empty. " + Hint));
        }

        var message = request.Query["message"].FirstOrDefault();
        if (type is null || YamlTypes.Contains(type))
        {
            return (text, message, null);
        }

        if (type is "application/json")
        {
            JourneyBody? body;
            try
            {
                body = JsonSerializer.Deserialize<JourneyBody>(text, TrailmapJson.Compact);
            }
            catch (JsonException e)
            {
                var at = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
                return ("", null, ApiResults.Bad($"The body is not valid JSON{at}. " + Hint));
            }

            return string.IsNullOrWhiteSpace(body?.Yaml)
                ? ("", null, ApiResults.Bad("The JSON body has no \"yaml\" field with the journey's text. " + Hint))
                : (body.Yaml, body.Message ?? message, null);
        }

        return ("", null, ApiResults.Bad($"Content-Type {type} is not understood. " + Hint, StatusCodes.Status415UnsupportedMediaType));
    }

    /// <summary>
    /// The body, read up to one byte past the limit so that a body without Content-Length (chunked) is refused as soon
    /// as it passes the limit, not after the whole of it sits in memory; null when it is over.
    /// </summary>
    private static async Task<MemoryStream?> ReadBoundedAsync(Stream body, CancellationToken cancel)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            await buffer.WriteAsync(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static IResult TooLarge() => ApiResults.Bad(
        $"The body is over {MaxBodyBytes:N0} bytes (1 MiB), the most a journey may be; nothing was read. Split the journey into smaller ones (docs/journey-format.md, Limits).",
        StatusCodes.Status413PayloadTooLarge);
}
