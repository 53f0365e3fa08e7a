using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trailmap.Events;

/// <summary>One event read from a JSON line, before its timestamp is parsed (that happens in SQL).</summary>
internal readonly record struct JsonEvent(long Line, string? CustomerId, string? Event, string? Timestamp, string? MessageId, string Properties);

/// <summary>An identity link read from an identify or alias message, before its timestamp is parsed (in SQL, like events).</summary>
internal readonly record struct JsonLink(long Line, string From, string To, string Kind, string? Timestamp, string? MessageId);

/// <summary>
/// Reads JSON Lines: plain objects (columns detected like CSV headers) and Segment spec messages (track,
/// identify, group, page, screen, and {"batch": [...]} envelopes). Lines that are not valid UTF-8 or JSON,
/// or longer than <see cref="MaxLineBytes"/>, are rejected with their line number.
/// </summary>
internal sealed class SegmentReader(string file, ImportOptions options)
{
    /// <summary>The same limit as DuckDB's CSV reader (max_line_size), so both formats reject alike.</summary>
    public const int MaxLineBytes = 2_000_000;

    private static readonly string[] SegmentTypes = ["track", "identify", "group", "page", "screen", "alias"];

    public List<RejectedRow> Rejects { get; } = [];

    /// <summary>Traits per customer in file order, later calls overriding earlier keys (a merge patch).</summary>
    public Dictionary<string, JsonObject> Traits { get; } = new(StringComparer.Ordinal);

    public long Messages { get; private set; }

    /// <summary>The memberships of group messages (the sender is a member of groupId), in file order.</summary>
    public List<JsonMembership> Memberships { get; } = [];

    /// <summary>Each group's traits from its group messages, later calls overriding earlier keys.</summary>
    public Dictionary<string, JsonObject> GroupTraits { get; } = new(StringComparer.Ordinal);

    /// <summary>The identity links of identify (anonymousId to userId) and alias (previousId to userId) messages, in file order.</summary>
    public List<JsonLink> Links { get; } = [];

    /// <summary>The events of the current line; one list reused for every line (the caller consumes it before the next).</summary>
    private readonly List<JsonEvent> current = [];

    public IEnumerable<JsonEvent> Read(CancellationToken cancel)
    {
        // Lines are cut out of a large buffer (not byte by byte): the pump imports a segment of ~100k lines every
        // second or so, and reading is a large part of its cost.
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        var line = 0L;
        var tooLong = false;
        var eof = false;
        while (true)
        {
            var nl = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (nl >= 0 || (eof && (end > start || tooLong)))
            {
                var length = nl >= 0 ? nl : end - start;
                line++;
                if ((line & 0xFFF) == 0)
                {
                    cancel.ThrowIfCancellationRequested();
                }

                ReadLine(line, buffer, start, length, tooLong || length > MaxLineBytes);
                foreach (var e in current)
                {
                    yield return e;
                }

                start += nl >= 0 ? nl + 1 : length;
                tooLong = false;
                continue;
            }

            if (eof)
            {
                yield break;
            }

            if (end - start > MaxLineBytes)
            {
                // Too long already: drop what was read of it and skip to its end.
                tooLong = true;
                start = end;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxLineBytes + 2));
            }

            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                eof = true;
            }

            end += read;
        }
    }

    private void ReadLine(long line, byte[] buffer, int start, int length, bool tooLong)
    {
        current.Clear();
        var result = current;
        if (tooLong)
        {
            Reject(line, $"line longer than {MaxLineBytes:N0} bytes");
            return;
        }

        var bytes = buffer.AsSpan(start, length).TrimEnd((byte)'\r');
        if (line == 1 && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        if (bytes.Trim((ReadOnlySpan<byte>)[(byte)' ', (byte)'\t']).IsEmpty)
        {
            return;
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            Reject(line, "invalid UTF-8 (the file must be UTF-8 encoded)");
            return;
        }

        if (JsonEscapes.FindLoneSurrogate(bytes) is { } escape)
        {
            Reject(line, $"the escape {escape} is half of a UTF-16 surrogate pair, not text; write valid Unicode");
            return;
        }

        if (FastTrack.TryRead(bytes, line, out var fast))
        {
            Messages++;
            result.Add(fast);
            return;
        }

        JsonNode? node;
        try
        {
            // Duplicate keys are refused while parsing (a clear reject of this line); allowed, JsonObject would
            // throw an ArgumentException on first access and fail the whole import.
            node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            Reject(line, "invalid JSON: " + ex.Message);
            return;
        }

        if (node is not JsonObject obj)
        {
            Reject(line, "expected a JSON object on each line");
            return;
        }

        if (obj["batch"] is JsonArray batch)
        {
            foreach (var item in batch)
            {
                if (item is JsonObject message)
                {
                    Message(line, message, result);
                }
                else
                {
                    Reject(line, "a batch item is not a JSON object");
                }
            }
        }
        else
        {
            Message(line, obj, result);
        }
    }

    private void Message(long line, JsonObject obj, List<JsonEvent> result)
    {
        Messages++;
        var type = Text(obj["type"]);
        var isSegment = type is not null && SegmentTypes.Contains(type, StringComparer.OrdinalIgnoreCase)
            && (obj.ContainsKey("userId") || obj.ContainsKey("anonymousId"));
        if (!isSegment)
        {
            Plain(line, obj, result);
            return;
        }

        var customer = Text(obj["userId"]) is { Length: > 0 } user ? user : Text(obj["anonymousId"]);
        var timestamp = Text(obj["timestamp"]) ?? Text(obj["originalTimestamp"]) ?? Text(obj["sentAt"]) ?? Text(obj["receivedAt"]);
        var messageId = Text(obj["messageId"]);
        switch (type!.ToLowerInvariant())
        {
            case "track":
                result.Add(new JsonEvent(line, customer, Text(obj["event"]), timestamp, messageId, ObjectText(obj["properties"])));
                break;
            case "page":
            case "screen":
                {
                    // Segment's own naming in its Mixpanel/Amplitude destinations: "Viewed Home Page" for a named
                    // page, "Loaded a Page" when the call has no name; the same for screens.
                    var noun = type.Equals("page", StringComparison.OrdinalIgnoreCase) ? "Page" : "Screen";
                    var name = Text(obj["name"]);
                    var props = obj["properties"] is JsonObject p ? (JsonObject)p.DeepClone() : [];
                    if (name is not null && !props.ContainsKey("name"))
                    {
                        props["name"] = name;
                    }

                    if (Text(obj["category"]) is { } category && !props.ContainsKey("category"))
                    {
                        props["category"] = category;
                    }

                    var evt = string.IsNullOrWhiteSpace(name) ? $"Loaded a {noun}" : $"Viewed {name} {noun}";
                    result.Add(new JsonEvent(line, customer, evt, timestamp, messageId, props.ToJsonString()));
                    break;
                }

            case "identify":
                if (string.IsNullOrWhiteSpace(customer))
                {
                    Reject(line, "identify without userId or anonymousId");
                }
                else
                {
                    MergeTraits(customer, obj["traits"] as JsonObject ?? []);
                    if (Text(obj["anonymousId"]) is { Length: > 0 } anonymous && Text(obj["userId"]) is { Length: > 0 } identified && anonymous != identified)
                    {
                        Links.Add(new JsonLink(line, anonymous, identified, "identify", timestamp, messageId));
                    }
                }

                break;
            case "alias":
                if (Text(obj["userId"]) is not { Length: > 0 } newId || Text(obj["previousId"]) is not { Length: > 0 } previousId)
                {
                    Reject(line, "alias needs both a userId (the new id) and a previousId (the id the customer had before)");
                }
                else if (previousId != newId)
                {
                    Links.Add(new JsonLink(line, previousId, newId, "alias", timestamp, messageId));
                }

                break;
            case "group":
                if (string.IsNullOrWhiteSpace(customer))
                {
                    Reject(line, "group without userId or anonymousId");
                }
                else
                {
                    // The group's traits go under the member's "group" trait, with its id.
                    var group = obj["traits"] is JsonObject t ? (JsonObject)t.DeepClone() : [];
                    group["groupId"] = obj["groupId"]?.DeepClone();
                    MergeTraits(customer, new JsonObject { ["group"] = group });
                    if (Text(obj["groupId"]) is { Length: > 0 } groupId)
                    {
                        Memberships.Add(new JsonMembership(groupId, customer, timestamp));
                        MergeInto(GroupTraits, groupId, obj["traits"] as JsonObject ?? []);
                    }
                }

                break;
            default:
                Reject(line, $"Segment \"{type}\" messages are not imported (only track, identify, group, page, screen, alias)");
                break;
        }
    }

    private void Plain(long line, JsonObject obj, List<JsonEvent> result)
    {
        var keys = obj.Select(kv => kv.Key).ToList();
        ColumnRoles roles;
        try
        {
            roles = ColumnRoles.Detect(file, keys, options);
        }
        catch (ImportException ex)
        {
            Reject(line, ex.Message[(file.Length + 2)..]);
            return;
        }

        var props = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (key != roles.Customer && key != roles.Event && key != roles.Timestamp && key != roles.MessageId)
            {
                props[key] = value?.DeepClone();
            }
        }

        var evt = options.ConstantEvent ?? Text(obj[roles.Event!]);
        result.Add(new JsonEvent(line, Text(obj[roles.Customer]), evt, Text(obj[roles.Timestamp]),
            roles.MessageId is null ? null : Text(obj[roles.MessageId]), props.ToJsonString()));
    }

    private void MergeTraits(string customer, JsonObject traits) => MergeInto(Traits, customer, traits);

    private static void MergeInto(Dictionary<string, JsonObject> all, string customer, JsonObject traits)
    {
        if (!all.TryGetValue(customer, out var existing))
        {
            all[customer] = (JsonObject)traits.DeepClone();
            return;
        }

        foreach (var (key, value) in traits)
        {
            existing[key] = value?.DeepClone();
        }
    }

    private void Reject(long line, string reason) => Rejects.Add(new RejectedRow(file, line, reason));

    private static string ObjectText(JsonNode? node) => node is JsonObject o ? o.ToJsonString() : "{}";

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Null => null,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };
}
