using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Trailmap.Events;

namespace Trailmap.Web.Ingestion;

/// <summary>
/// Checks one message of Segment's HTTP Tracking API and writes it as one normalized Segment JSON line for the
/// spool, in the shape the importer's Segment reader understands: the type, the ids as strings, a message id
/// (generated when the client sent none), the event time after Segment's clock-skew correction, and the
/// properties or traits copied byte for byte. Everything is checked before anything is written, so a rejected
/// message leaves nothing behind.
/// </summary>
public static class SegmentMessage
{
    public static readonly IReadOnlyList<string> Types = ["track", "identify", "group", "page", "screen", "alias"];

    private static readonly string TypeList = "track, identify, group, page, screen or alias";

    /// <summary>
    /// Writes <paramref name="message"/> to <paramref name="writer"/> as one JSON object, or returns why it cannot
    /// be accepted (and writes nothing). <paramref name="type"/> is the type the endpoint implies (/v1/track), or
    /// null for batch items, which name their own. <paramref name="batchSentAt"/> is the batch envelope's sentAt,
    /// which clients such as analytics-node send once per batch instead of on each message.
    /// </summary>
    public static string? Write(JsonElement message, string? type, DateTimeOffset receivedAt, JsonElement batchSentAt, Utf8JsonWriter writer)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return "is not a JSON object; each message is an object like {\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Signed Up\"}";
        }

        var raw = JsonMarshal.GetRawUtf8Value(message);
        var size = raw.Length;
        if (size > IngestLimits.MessageBytes)
        {
            return $"is {size:N0} bytes; a message may be at most 32 KB ({IngestLimits.MessageBytes:N0} bytes): send fewer or shorter properties";
        }

        // System.Text.Json accepts an escaped lone surrogate ("\ud800") while parsing and only fails when the text
        // is read; refused here, so no part of the message (properties are copied as they are) reaches the spool.
        if (JsonEscapes.FindLoneSurrogate(raw) is { } escape)
        {
            return $"has the escape {escape}, half of a UTF-16 surrogate pair, which is not text; send valid Unicode (a pair such as \\ud83d\\ude00, or the character itself)";
        }

        if (type is null)
        {
            if (!message.TryGetProperty("type", out var typeValue) || typeValue.ValueKind == JsonValueKind.Null)
            {
                return $"has no \"type\" (one of {TypeList})";
            }

            var named = typeValue.ValueKind == JsonValueKind.String ? typeValue.GetString() : null;
            type = Types.FirstOrDefault(t => string.Equals(t, named, StringComparison.OrdinalIgnoreCase));
            if (type is null)
            {
                return $"has unknown type {Quote(typeValue)} (expected {TypeList})";
            }
        }

        if (Id(message, "userId", out var userId) is { } badUser)
        {
            return badUser;
        }

        if (Id(message, "anonymousId", out var anonymousId) is { } badAnonymous)
        {
            return badAnonymous;
        }

        if (userId is null && anonymousId is null)
        {
            return "has neither a \"userId\" nor an \"anonymousId\"; every message needs one of them to know whose it is";
        }

        string? eventName = null;
        string? groupId = null;
        string? previousId = null;
        switch (type)
        {
            case "track":
                if (!message.TryGetProperty("event", out var e) || e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()))
                {
                    return "is a track call without an \"event\" name (a non-empty string such as \"Signed Up\")";
                }

                eventName = e.GetString();
                break;
            case "group":
                if (Id(message, "groupId", out groupId) is { } badGroup)
                {
                    return badGroup;
                }

                if (groupId is null)
                {
                    return "is a group call without a \"groupId\"";
                }

                break;
            case "alias":
                if (userId is null)
                {
                    return "is an alias call without a \"userId\" (the new id)";
                }

                if (Id(message, "previousId", out previousId) is { } badPrevious)
                {
                    return badPrevious;
                }

                if (previousId is null)
                {
                    return "is an alias call without a \"previousId\" (the id the customer had before)";
                }

                break;
        }

        var bag = type is "identify" or "group" ? "traits" : "properties";
        if (message.TryGetProperty(bag, out var payload) && payload.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return $"has \"{bag}\" that is not a JSON object";
        }

        if (Text(message, "name", out var name) is { } badName)
        {
            return badName;
        }

        if (Text(message, "category", out var category) is { } badCategory)
        {
            return badCategory;
        }

        if (Time(message, "timestamp", out var timestamp) is { } badTimestamp)
        {
            return badTimestamp;
        }

        if (timestamp is null && Time(message, "originalTimestamp", out timestamp) is { } badOriginal)
        {
            return badOriginal;
        }

        if (Time(message, "sentAt", out var sentAt) is { } badSentAt)
        {
            return badSentAt;
        }

        if (sentAt is null && batchSentAt.ValueKind == JsonValueKind.String)
        {
            if (!TryParseTime(batchSentAt.GetString(), out var envelope))
            {
                return $"belongs to a batch whose \"sentAt\" {Quote(batchSentAt)} is not an ISO 8601 date-time";
            }

            sentAt = envelope;
        }

        if (batchSentAt.ValueKind == JsonValueKind.String && sentAt is { } batchTime && !EventTimeRange.Contains(batchTime))
        {
            return $"belongs to a batch whose \"sentAt\" {Quote(batchSentAt)} is outside the accepted range, {EventTimeRange.Description}; check the device's clock";
        }

        // Segment's clock-skew correction: the device's clock may be off, but the time between the call and the
        // send (sentAt - timestamp) was measured on that same clock, so it is moved onto the server's clock.
        // In ticks: every operand is a DateTimeOffset, so the sum stays within a long, and is range-checked after.
        var atTicks = timestamp is null ? receivedAt.UtcTicks
            : sentAt is null ? timestamp.Value.UtcTicks
            : timestamp.Value.UtcTicks + (receivedAt.UtcTicks - sentAt.Value.UtcTicks);
        if (atTicks < EventTimeRange.Min.UtcTicks || atTicks >= EventTimeRange.End.UtcTicks)
        {
            return timestamp is null
                ? $"arrived at {receivedAt:O}, outside the accepted range of event times, {EventTimeRange.Description}; check the server's clock"
                : $"has a \"timestamp\" that, moved onto the server's clock by \"sentAt\" (Segment's clock-skew correction), falls outside the accepted range, {EventTimeRange.Description}; check the device's clock and the two fields";
        }

        var at = new DateTimeOffset(atTicks, TimeSpan.Zero);
        string? messageId;
        if (Id(message, "messageId", out messageId) is { } badId)
        {
            return badId;
        }

        messageId ??= "tm-" + Guid.NewGuid().ToString("N");

        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteString("messageId"u8, messageId);
        if (userId is not null)
        {
            writer.WriteString("userId"u8, userId);
        }

        if (anonymousId is not null)
        {
            writer.WriteString("anonymousId"u8, anonymousId);
        }

        writer.WriteString("timestamp"u8, at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        if (eventName is not null)
        {
            writer.WriteString("event"u8, eventName);
        }

        if (groupId is not null)
        {
            writer.WriteString("groupId"u8, groupId);
        }

        if (type is "page" or "screen")
        {
            if (name is not null)
            {
                writer.WriteString("name"u8, name);
            }

            if (category is not null)
            {
                writer.WriteString("category"u8, category);
            }
        }

        if (type == "alias")
        {
            // The importer merges the previous id's person into the user id's (docs/identity.md).
            writer.WriteString("previousId"u8, previousId);
        }
        else if (payload.ValueKind == JsonValueKind.Object)
        {
            writer.WritePropertyName(bag);
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(payload), skipInputValidation: true);
        }

        writer.WriteEndObject();
        return null;
    }

    /// <summary>Reads an id (a string or a number, as Segment allows); an empty string counts as absent.</summary>
    private static string? Id(JsonElement message, string field, out string? value)
    {
        value = null;
        if (!message.TryGetProperty(field, out var v))
        {
            return null;
        }

        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                var text = v.GetString();
                value = string.IsNullOrWhiteSpace(text) ? null : text;
                return null;
            case JsonValueKind.Number:
                value = v.GetRawText();
                return null;
            default:
                return $"has \"{field}\" that is not a string";
        }
    }

    private static string? Text(JsonElement message, string field, out string? value)
    {
        value = null;
        if (!message.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            return $"has \"{field}\" that is not a string";
        }

        value = v.GetString();
        return null;
    }

    private static string? Time(JsonElement message, string field, out DateTimeOffset? value)
    {
        value = null;
        if (!message.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String || !TryParseTime(v.GetString(), out var parsed))
        {
            return $"has \"{field}\" {Quote(v)}, which is not an ISO 8601 date-time such as \"2024-05-01T12:30:00.000Z\"";
        }

        if (!EventTimeRange.Contains(parsed))
        {
            return $"has \"{field}\" {Quote(v)}, outside the accepted range of event times, {EventTimeRange.Description}";
        }

        value = parsed;
        return null;
    }

    /// <summary>ISO 8601 only (a date first, then an optional time and offset; no offset means UTC), as Segment's spec asks.</summary>
    public static bool TryParseTime(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 10 || text.Length > 40
            || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[3]) || text[4] != '-' || text[7] != '-')
        {
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private static string Quote(JsonElement value)
    {
        var raw = value.ValueKind == JsonValueKind.String ? "\"" + value.GetString() + "\"" : value.GetRawText();
        return raw.Length > 60 ? raw[..57] + "..." : raw;
    }
}
