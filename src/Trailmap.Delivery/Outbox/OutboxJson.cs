using System.Text.Json;
using System.Text.Json.Serialization;
using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>How the outbox stores an action and its data in text columns.</summary>
internal static class OutboxJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string WriteAction(InterventionAction action) => JsonSerializer.Serialize(action, Options);

    public static InterventionAction ReadAction(string json) =>
        JsonSerializer.Deserialize<InterventionAction>(json, Options)
        ?? throw new InvalidDataException("delivery_outbox.action_json is null");

    public static string WriteData(IReadOnlyDictionary<string, string?> data) =>
        JsonSerializer.Serialize(data, Options);

    public static IReadOnlyDictionary<string, string?> ReadData(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(json, Options) ?? [];
}
