using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Model;

/// <summary>A span written as <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>14d</c> or <c>2w</c>.</summary>
[JsonConverter(typeof(DurationJsonConverter))]
public readonly partial record struct Duration(TimeSpan Span, string Text)
{
    public const string Help = "write a duration as a number and a unit: 90s, 30m, 12h, 14d or 2w";

    /// <summary>The longest duration read: 100 years. Longer is a typo, and would overflow a <see cref="TimeSpan"/>.</summary>
    public const double MaxSeconds = 36_500d * 86400;

    public double TotalSeconds => Span.TotalSeconds;

    /// <summary>The seconds in one <paramref name="unit"/> (s, sec, second, m, min, minute, h, hr, hour, d, day, w, wk, week, and plurals); null for any other word.</summary>
    public static double? UnitSeconds(string unit) => unit.ToLowerInvariant() switch
    {
        "s" or "sec" or "secs" or "second" or "seconds" => 1,
        "m" or "min" or "mins" or "minute" or "minutes" => 60,
        "h" or "hr" or "hrs" or "hour" or "hours" => 3600,
        "d" or "day" or "days" => 86400,
        "w" or "wk" or "wks" or "week" or "weeks" => 7 * 86400,
        _ => null,
    };

    public static bool TryParse(string? text, out Duration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var m = DurationPattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        if (UnitSeconds(m.Groups["u"].Value) is not { } size || n * size > MaxSeconds)
        {
            return false;
        }

        var seconds = n * size;
        // Keep the user's own spelling (14d stays 14d, not 2w) so output reads as the file was written.
        duration = new Duration(TimeSpan.FromSeconds(seconds), text.Trim());
        return true;
    }

    public static Duration Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"'{text}' is not a duration: {Help}");

    public static Duration FromSeconds(double seconds) =>
        new(TimeSpan.FromSeconds(seconds), Format(TimeSpan.FromSeconds(seconds)));

    /// <summary>Writes a span in the largest unit that keeps it exact, e.g. 2w, 90s, 90m (for 1.5h); the text a parsed duration keeps.</summary>
    public static string Format(TimeSpan span)
    {
        var s = span.TotalSeconds;
        (double size, string unit)[] units = [(7 * 86400, "w"), (86400, "d"), (3600, "h"), (60, "m"), (1, "s")];
        foreach (var (size, unit) in units)
        {
            if (s >= size && Math.Abs((s / size) - Math.Round(s / size)) < 1e-9)
            {
                return $"{Math.Round(s / size).ToString(CultureInfo.InvariantCulture)}{unit}";
            }
        }

        foreach (var (size, unit) in units)
        {
            if (s >= size)
            {
                return $"{Math.Round(s / size, 1).ToString(CultureInfo.InvariantCulture)}{unit}";
            }
        }

        return $"{s.ToString("0.###", CultureInfo.InvariantCulture)}s";
    }

    /// <summary>
    /// Writes a measured span for people: the largest unit it reaches, to one decimal, e.g. 2.5d or 1.2d
    /// for 100000 seconds. <see cref="Format"/> would keep it exact and print "100000s".
    /// </summary>
    public static string FormatApproximate(TimeSpan span)
    {
        var s = span.TotalSeconds;
        (double size, string unit)[] units = [(7 * 86400, "w"), (86400, "d"), (3600, "h"), (60, "m")];
        foreach (var (size, unit) in units)
        {
            if (Math.Abs(s) >= size)
            {
                return $"{Math.Round(s / size, 1).ToString("0.#", CultureInfo.InvariantCulture)}{unit}";
            }
        }

        return $"{Math.Round(s, 1).ToString("0.#", CultureInfo.InvariantCulture)}s";
    }

    public override string ToString() => Text;

    [GeneratedRegex(@"^(?<n>\d+(?:\.\d+)?)\s*(?<u>[a-zA-Z]+)$")]
    private static partial Regex DurationPattern();
}

internal sealed class DurationJsonConverter : JsonConverter<Duration>
{
    public override Duration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Duration.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, Duration value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Text);
}
