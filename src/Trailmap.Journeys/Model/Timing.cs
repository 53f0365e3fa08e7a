using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Model;

/// <summary>Which side of a <see cref="Timing"/> is fixed: an exact span, a ceiling, a floor, or both ends.</summary>
public enum TimingBound { Exactly, AtMost, AtLeast, Between }

/// <summary>
/// How long something takes or how soon it happens, as journey documents write it: "15 seconds", "&lt; 2 minutes",
/// "within 5 minutes", "90+ days", "2-3 days", optionally after what is timed ("response &lt; 24h"). The one
/// duration-with-a-bound value of the format: stage, touchpoint and action <c>timing</c>, and the duration targets
/// of KPIs and activation paths (<see cref="Target"/> reads its bounded forms here).
/// </summary>
[JsonConverter(typeof(TimingJsonConverter))]
public sealed partial record Timing
{
    /// <summary>The longest text read, in characters; a timing is a short phrase, so anything longer is a mistake.</summary>
    public const int MaxLength = 100;

    /// <summary>The longest span accepted, in days (100 years): anything longer is a typo, not a customer's timing.</summary>
    public const int MaxDays = 36_500;

    public const string Help = "write a number and a unit (15 seconds, 2m, 24h, 1.5 hours, 3 days, 2 weeks), with a bound if there is one "
        + "(< 2 minutes, within 5 minutes, at most 1h, > 2m, at least 3 days, 90+ days) or a range (2-3 days, 2 to 3 days), "
        + "optionally after what is timed (response < 24h)";

    public required TimingBound Bound { get; init; }
    /// <summary>The shortest span it allows; null for <see cref="TimingBound.AtMost"/>.</summary>
    public Duration? Min { get; init; }
    /// <summary>The longest span it allows; null for <see cref="TimingBound.AtLeast"/>.</summary>
    public Duration? Max { get; init; }
    /// <summary>Whether the bound itself is excluded (<c>&lt;</c>, <c>under</c>, <c>more than</c>).</summary>
    public bool Strict { get; init; }
    /// <summary>What is timed, when the text names it before the bound ("response" in "response &lt; 24h").</summary>
    public string? Subject { get; init; }
    /// <summary>The text as written, which every render shows.</summary>
    public required string Text { get; init; }

    public override string ToString() => Text;

    public static Timing Parse(string text) =>
        TryParse(text, out var t, out var error) ? t : throw new FormatException(error);

    /// <summary>Reads <paramref name="text"/>; on failure <paramref name="error"/> says why and lists the accepted forms.</summary>
    public static bool TryParse(string? text, out Timing timing, out string error)
    {
        timing = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"the timing is empty: {Help}";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"the timing is {text.Length:N0} characters long; a timing is at most {MaxLength} characters: {Help}";
            return false;
        }

        var t = Spaces().Replace(text.Trim(), " ");
        string? subject = null;
        if (!Bounded().IsMatch(t) && Subjected().Match(t) is { Success: true } s)
        {
            subject = s.Groups["subject"].Value;
            t = s.Groups["rest"].Value;
        }

        var range = RangePattern().Match(t);
        if (range.Success)
        {
            var unitA = range.Groups["ua"].Success ? range.Groups["ua"].Value : range.Groups["ub"].Value;
            if (!Quantity(range.Groups["a"].Value, unitA, text, out var lo, out error)
                || !Quantity(range.Groups["b"].Value, range.Groups["ub"].Value, text, out var hi, out error))
            {
                return false;
            }

            if (lo.Span > hi.Span)
            {
                error = $"the range '{text.Trim()}' runs backwards; write the shorter span first: {Help}";
                return false;
            }

            timing = new Timing { Bound = TimingBound.Between, Min = lo, Max = hi, Subject = subject, Text = text.Trim() };
            return true;
        }

        var bound = TimingBound.Exactly;
        var strict = false;
        var q = t;
        if (Bounded().Match(t) is { Success: true } b)
        {
            var op = b.Groups["op"].Value.ToLowerInvariant();
            (bound, strict) = op switch
            {
                "<" or "under" or "less than" => (TimingBound.AtMost, true),
                "<=" or "≤" or "within" or "at most" or "up to" or "no more than" or "max" or "in" => (TimingBound.AtMost, false),
                ">" or "over" or "more than" => (TimingBound.AtLeast, true),
                _ => (TimingBound.AtLeast, false),
            };
            q = b.Groups["q"].Value;
        }
        else if (t.EndsWith('+'))
        {
            // "90+ days" and "90 days+" are both at least 90 days.
            bound = TimingBound.AtLeast;
            q = t[..^1];
        }
        else if (PlusInside().Match(t) is { Success: true } plus)
        {
            bound = TimingBound.AtLeast;
            q = plus.Groups["n"].Value + " " + plus.Groups["u"].Value;
        }

        var m = QuantityPattern().Match(q.Trim());
        if (!m.Success)
        {
            error = NumberWithoutUnit().IsMatch(q.Trim())
                ? $"'{text.Trim()}' has no unit of time: {Help}"
                : $"'{text.Trim()}' is not a timing: {Help}";
            return false;
        }

        if (!Quantity(m.Groups["n"].Value, m.Groups["u"].Value, text, out var span, out error))
        {
            return false;
        }

        timing = new Timing
        {
            Bound = bound,
            Min = bound is TimingBound.Exactly or TimingBound.AtLeast ? span : null,
            Max = bound is TimingBound.Exactly or TimingBound.AtMost ? span : null,
            Strict = strict,
            Subject = subject,
            Text = text.Trim(),
        };
        return true;
    }

    /// <summary>
    /// The target this timing sets, in seconds, for KPIs and activation paths; null for an exact span or one with a
    /// subject, since a target needs a direction and measures the KPI itself.
    /// </summary>
    public Target? AsTarget() => (Bound, Subject) switch
    {
        (_, not null) or (TimingBound.Exactly, _) => null,
        (TimingBound.AtMost, _) => new Target(Strict ? TargetComparison.LessThan : TargetComparison.AtMost, Max!.Value.TotalSeconds, null, TargetUnit.Duration, Text),
        (TimingBound.AtLeast, _) => new Target(Strict ? TargetComparison.MoreThan : TargetComparison.AtLeast, Min!.Value.TotalSeconds, null, TargetUnit.Duration, Text),
        _ => new Target(TargetComparison.Between, Min!.Value.TotalSeconds, Max!.Value.TotalSeconds, TargetUnit.Duration, Text),
    };

    private static bool Quantity(string number, string unit, string text, out Duration duration, out string error)
    {
        duration = default;
        error = "";
        var n = number.ToLowerInvariant() switch
        {
            "a" or "an" or "one" => 1,
            _ => double.Parse(number, CultureInfo.InvariantCulture),
        };
        if (Duration.UnitSeconds(unit) is not { } size)
        {
            error = $"'{unit}' in '{text.Trim()}' is not a unit of time (seconds, minutes, hours, days, weeks): {Help}";
            return false;
        }

        if (n * size > Duration.MaxSeconds)
        {
            error = $"'{text.Trim()}' is longer than {MaxDays:N0} days (100 years), which no journey step takes; check the number: {Help}";
            return false;
        }

        duration = new Duration(TimeSpan.FromSeconds(n * size), $"{number} {unit}");
        return true;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    // A bound word or sign, then the quantity.
    [GeneratedRegex(@"^(?:(?<op><=|>=|<|>|≤|≥)\s*|(?<op>under|within|at most|up to|no more than|less than|max|in|over|more than|at least|min)\s+)(?<q>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Bounded();

    // What is timed, in words, before a bound: "response < 24h", "first reply within 2 hours".
    [GeneratedRegex(@"^(?<subject>[A-Za-z][A-Za-z' -]{0,48}?)\s+(?<rest>(?:<=|>=|<|>|≤|≥|under\b|within\b|at most\b|up to\b|no more than\b|less than\b|over\b|more than\b|at least\b).+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Subjected();

    // "2-3 days", "2 – 3 days", "2 to 3 days", "2..3 days", "between 2 and 3 days", "1h-2d"; the first unit may be left out.
    [GeneratedRegex(@"^(?:between\s+)?(?<a>\d{1,9}(?:\.\d{1,6})?)\s*(?<ua>[A-Za-z]+)?\s*(?:-|–|—|\.\.|\bto\b|\band\b)\s*(?<b>\d{1,9}(?:\.\d{1,6})?)\s*(?<ub>[A-Za-z]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"^(?<n>\d{1,9}(?:\.\d{1,6})?|an?|one)\s*(?<u>[A-Za-z]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"^(?<n>\d{1,9}(?:\.\d{1,6})?)\+\s*(?<u>[A-Za-z]+)$")]
    private static partial Regex PlusInside();

    [GeneratedRegex(@"^\d+(?:\.\d+)?$")]
    private static partial Regex NumberWithoutUnit();
}

internal sealed class TimingJsonConverter : JsonConverter<Timing>
{
    public override Timing Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Timing.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, Timing value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Text);
}
