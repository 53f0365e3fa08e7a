using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Generation;

/// <summary>
/// Generates a realistic synthetic event log for a journey: <c>trailmap generate</c>, the demo, tests and benchmarks.
/// The same journey, options and seed always give the same messages; docs/generate.md describes the customer model.
/// </summary>
public static class EventGenerator
{
    private const int ProgressEvery = 10_000;
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The persona shares, conversions, delays and KPI aims the generator derives from a journey.</summary>
    public static GenerationPlan Plan(Journey journey) => GenerationPlan.For(journey);

    /// <summary>
    /// Streams messages customer by customer: each customer's <c>identify</c>, then their <c>track</c> messages in time
    /// order. Customers interleave in time, so the log as a whole is not sorted by timestamp.
    /// </summary>
    public static IEnumerable<GeneratedMessage> Generate(Journey journey, GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Stream(GenerationPlan.For(journey), options);
    }

    private static IEnumerable<GeneratedMessage> Stream(GenerationPlan plan, GeneratorOptions options)
    {
        var simulator = new CustomerSimulator(plan, options);
        for (var c = 0; c < options.Customers; c++)
        {
            foreach (var message in simulator.Simulate(c))
            {
                yield return message;
            }
        }
    }

    /// <summary>Writes Segment-spec JSON lines (identify and track); reports the number of messages written so far.</summary>
    public static void WriteJsonl(Journey journey, GeneratorOptions options, Stream output, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        long count = 0;
        foreach (var message in Generate(journey, options))
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            WriteMessage(writer, message);
            writer.Flush();
            output.Write(buffer.WrittenSpan);
            output.WriteByte((byte)'\n');
            Report(progress, ++count);
        }

        progress?.Report(count);
    }

    /// <summary>Writes Segment-spec JSON lines to a text writer.</summary>
    public static void WriteJsonl(Journey journey, GeneratorOptions options, TextWriter output, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        var chars = new char[1024];
        long count = 0;
        foreach (var message in Generate(journey, options))
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            WriteMessage(writer, message);
            writer.Flush();
            var needed = Encoding.UTF8.GetMaxCharCount(buffer.WrittenCount);
            if (chars.Length < needed)
            {
                chars = new char[needed];
            }

            var n = Encoding.UTF8.GetChars(buffer.WrittenSpan, chars);
            output.Write(chars, 0, n);
            output.Write('\n');
            Report(progress, ++count);
        }

        output.Flush();
        progress?.Report(count);
    }

    /// <summary>
    /// Writes track messages as CSV with the columns user_id,event,timestamp,message_id,properties (a JSON object).
    /// Fields are quoted per RFC 4180 when they hold a comma, quote or line break; identify messages are left out.
    /// </summary>
    public static void WriteCsv(Journey journey, GeneratorOptions options, TextWriter output, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new ArrayBufferWriter<byte>(512);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        output.Write("user_id,event,timestamp,message_id,properties\n");
        long count = 0;
        foreach (var message in Generate(journey, options))
        {
            if (message.Type != MessageType.Track)
            {
                continue;
            }

            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            WriteObject(writer, message.Properties);
            writer.Flush();
            WriteCsvField(output, message.UserId);
            output.Write(',');
            WriteCsvField(output, message.Event ?? "");
            output.Write(',');
            output.Write(FormatTimestamp(message.Timestamp));
            output.Write(',');
            WriteCsvField(output, message.MessageId);
            output.Write(',');
            WriteCsvField(output, Encoding.UTF8.GetString(buffer.WrittenSpan));
            output.Write('\n');
            Report(progress, ++count);
        }

        output.Flush();
        progress?.Report(count);
    }

    /// <summary>Writes track messages as CSV to a stream in UTF-8.</summary>
    public static void WriteCsv(Journey journey, GeneratorOptions options, Stream output, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        WriteCsv(journey, options, writer, progress);
    }

    private static void Report(IProgress<long>? progress, long count)
    {
        if (progress is not null && count % ProgressEvery == 0)
        {
            progress.Report(count);
        }
    }

    private static string FormatTimestamp(DateTimeOffset t) => t.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static void WriteMessage(Utf8JsonWriter w, GeneratedMessage m)
    {
        Span<char> stamp = stackalloc char[32];
        m.Timestamp.UtcDateTime.TryFormat(stamp, out var length, TimestampFormat, CultureInfo.InvariantCulture);
        w.WriteStartObject();
        if (m.Type == MessageType.Identify)
        {
            w.WriteString("type"u8, "identify"u8);
            w.WriteString("userId"u8, m.UserId);
            w.WritePropertyName("traits"u8);
        }
        else
        {
            w.WriteString("type"u8, "track"u8);
            w.WriteString("userId"u8, m.UserId);
            w.WriteString("event"u8, m.Event);
            w.WritePropertyName("properties"u8);
        }

        WriteObject(w, m.Properties);
        w.WriteString("timestamp"u8, stamp[..length]);
        w.WriteString("messageId"u8, m.MessageId);
        w.WriteEndObject();
    }

    private static void WriteObject(Utf8JsonWriter w, IReadOnlyDictionary<string, object?> values)
    {
        w.WriteStartObject();
        foreach (var (key, value) in values)
        {
            w.WritePropertyName(key);
            switch (value)
            {
                case null:
                    w.WriteNullValue();
                    break;
                case string s:
                    w.WriteStringValue(s);
                    break;
                case bool b:
                    w.WriteBooleanValue(b);
                    break;
                case double d:
                    w.WriteNumberValue(d);
                    break;
                case int i:
                    w.WriteNumberValue(i);
                    break;
                case long l:
                    w.WriteNumberValue(l);
                    break;
                default:
                    w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }

        w.WriteEndObject();
    }

    private static void WriteCsvField(TextWriter output, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            output.Write(value);
            return;
        }

        output.Write('"');
        output.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        output.Write('"');
    }
}
