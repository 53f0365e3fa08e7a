using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trailmap.Events;

/// <summary>
/// The common line of a Segment file, and every track line of the ingestion spool, read without building a
/// JSON tree: a flat track call whose ids and times are strings. One forward pass with Utf8JsonReader picks the
/// fields and takes the properties as they are written when that text is already what the tree path would
/// write (compact, nothing to escape). Anything else - another type, a number id, a duplicate key, a batch
/// envelope, invalid JSON - says "not mine" and goes the general way (<see cref="SegmentReader"/>), which
/// therefore decides every edge case exactly as before.
/// </summary>
internal static class FastTrack
{
    public static bool TryRead(ReadOnlySpan<byte> bytes, long line, out JsonEvent result)
    {
        result = default;
        try
        {
            return Read(bytes, line, ref result);
        }
        catch (JsonException)
        {
            return false; // the general path reports it, with the same message as before
        }
    }

    private static bool Read(ReadOnlySpan<byte> bytes, long line, ref JsonEvent result)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var isTrack = false;
        bool hasUser = false, hasAnonymous = false;
        string? userId = null, anonymousId = null, messageId = null, eventName = null;
        string? timestamp = null, originalTimestamp = null, sentAt = null, receivedAt = null;
        var properties = ReadOnlySpan<byte>.Empty;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var field = Field(ref reader);
            if (field != 0)
            {
                if ((seen & field) != 0)
                {
                    return false; // a duplicate key: the tree path decides what that means
                }

                seen |= field;
            }

            reader.Read();
            switch (field)
            {
                case Type:
                    if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("track"u8))
                    {
                        return false;
                    }

                    isTrack = true;
                    break;
                case UserId:
                    hasUser = true;
                    if (!Text(ref reader, out userId))
                    {
                        return false;
                    }

                    break;
                case AnonymousId:
                    hasAnonymous = true;
                    if (!Text(ref reader, out anonymousId))
                    {
                        return false;
                    }

                    break;
                case MessageId when !Text(ref reader, out messageId):
                case Event when !Text(ref reader, out eventName):
                case Timestamp when !Text(ref reader, out timestamp):
                case OriginalTimestamp when !Text(ref reader, out originalTimestamp):
                case SentAt when !Text(ref reader, out sentAt):
                case ReceivedAt when !Text(ref reader, out receivedAt):
                    return false;
                case Properties:
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        var from = (int)reader.TokenStartIndex;
                        reader.Skip();
                        properties = bytes[from..(int)reader.BytesConsumed];
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return false;
                    }

                    break;
                case Batch:
                    return false;
                case 0:
                    reader.Skip();
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || !isTrack || !(hasUser || hasAnonymous))
        {
            return false;
        }

        var customer = userId is { Length: > 0 } ? userId : anonymousId;
        result = new JsonEvent(line, customer, eventName, timestamp ?? originalTimestamp ?? sentAt ?? receivedAt, messageId, Compact(properties));
        return true;
    }

    /// <summary>
    /// The properties as the tree path writes them (JsonNode.ToJsonString: compact, non-ASCII and HTML-sensitive
    /// characters escaped). Text that is already like that is taken as it is; other text goes through the tree.
    /// </summary>
    private static string Compact(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            return "{}";
        }

        var inString = false;
        foreach (var b in raw)
        {
            if (b == '"')
            {
                inString = !inString;
            }
            else if (b is (byte)'\\' or >= 0x80 or (byte)'<' or (byte)'>' or (byte)'&' or (byte)'\'' or (byte)'+' or (byte)'`'
                || (!inString && b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return JsonNode.Parse(raw)!.ToJsonString();
            }
        }

        return Encoding.UTF8.GetString(raw);
    }

    /// <summary>A string or null, as the tree path's Text() reads them; other kinds are left to it.</summary>
    private static bool Text(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = reader.GetString();
                return true;
            case JsonTokenType.Null:
                return true;
            default:
                return false;
        }
    }

    private const int Type = 1, UserId = 2, AnonymousId = 4, MessageId = 8, Event = 16, Timestamp = 32, OriginalTimestamp = 64,
        SentAt = 128, ReceivedAt = 256, Properties = 512, Batch = 1024;

    private static int Field(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) ? Type
        : reader.ValueTextEquals("userId"u8) ? UserId
        : reader.ValueTextEquals("anonymousId"u8) ? AnonymousId
        : reader.ValueTextEquals("messageId"u8) ? MessageId
        : reader.ValueTextEquals("event"u8) ? Event
        : reader.ValueTextEquals("timestamp"u8) ? Timestamp
        : reader.ValueTextEquals("originalTimestamp"u8) ? OriginalTimestamp
        : reader.ValueTextEquals("sentAt"u8) ? SentAt
        : reader.ValueTextEquals("receivedAt"u8) ? ReceivedAt
        : reader.ValueTextEquals("properties"u8) ? Properties
        : reader.ValueTextEquals("batch"u8) ? Batch
        : 0;
}
