using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
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

    /// <summary>The YAML and message, or the problem to answer with.</summary>
    public static async Task<(string Yaml, string? Message, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancel)
    {
        var type = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : null;
        string text;
        using (var reader = new StreamReader(request.Body))
        {
            text = await reader.ReadToEndAsync(cancel).ConfigureAwait(false);
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
}
