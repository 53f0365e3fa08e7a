using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Model;

/// <summary>How a target's number is written; actuals are compared in the same unit.</summary>
public enum TargetUnit
{
    /// <summary>A plain number such as an NPS of 40 or a 2x multiple.</summary>
    Number,
    /// <summary>A share; stored as a fraction (65% is 0.65).</summary>
    Percent,
    /// <summary>A span of time; stored in seconds.</summary>
    Duration,
}

public enum TargetComparison { AtLeast, MoreThan, AtMost, LessThan, Equal, Between }

/// <summary>
/// Whether an actual meets its target. "At risk" is within 10% (relative) of the bound. NoData: nothing was measured. NoTarget: measured, but the KPI has no
/// target to compare with, so its actual stands alone.
/// </summary>
public enum TargetStatus { Met, AtRisk, Missed, NoData, NoTarget }

/// <summary>A comparison such as <c>&gt;= 65%</c>, <c>&lt; 30m</c> or <c>2%..5%</c>.</summary>
[JsonConverter(typeof(TargetJsonConverter))]
public sealed partial record Target(TargetComparison Comparison, double Value, double? UpperValue, TargetUnit Unit, string Text)
{
    public const string Help = "write a target as a comparison and a value, e.g. '>= 65%', '< 30m', '> 40' or a range '2%..5%' (a bare number or percentage such as '95%' means at least); "
        + "a time also as words: 'within 5 minutes', 'under 2 hours', 'at least 3 days', '90+ days' or '2-3 days'";

    /// <summary>How close (relative to the bound) a miss must be to count as "at risk".</summary>
    public const double AtRiskMargin = 0.10;

    public static bool TryParse(string? text, out Target target, out string error)
    {
        target = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the target is empty";
            return false;
        }

        var t = text.Trim();

        // A time in words with a bound ("within 5 minutes", "2-3 days", "90+ days") reads as a timing does, so a KPI's or an
        // activation path's time target accepts exactly what a touchpoint's timing accepts.
        if (Timing.TryParse(t, out var timing, out _) && timing.AsTarget() is { } timed)
        {
            target = timed;
            return true;
        }

        var range = RangePattern().Match(t);
        if (range.Success)
        {
            if (!TryParseQuantity(range.Groups["a"].Value, out var lo, out var unitA, out error)
                || !TryParseQuantity(range.Groups["b"].Value, out var hi, out var unitB, out error))
            {
                return false;
            }

            if (unitA != unitB)
            {
                error = $"both ends of the range '{t}' need the same unit";
                return false;
            }

            if (lo > hi)
            {
                error = $"the range '{t}' runs backwards; write the smaller value first";
                return false;
            }

            target = new Target(TargetComparison.Between, lo, hi, unitA, t);
            return true;
        }

        var cmp = ComparisonPattern().Match(t);
        if (!cmp.Success)
        {
            // Documents write "Signup completion (95%)": a bare number or percentage is a goal to reach, so at least.
            // A bare duration is refused, since a time can be a ceiling (time to value) as often as a floor.
            if (TryParseQuantity(t, out var bare, out var bareUnit, out _) && bareUnit != TargetUnit.Duration)
            {
                target = new Target(TargetComparison.AtLeast, bare, null, bareUnit, ">= " + t);
                return true;
            }

            error = $"'{t}' is not a target: {Help}";
            return false;
        }

        var comparison = cmp.Groups["op"].Value switch
        {
            ">=" or "≥" => TargetComparison.AtLeast,
            ">" => TargetComparison.MoreThan,
            "<=" or "≤" => TargetComparison.AtMost,
            "<" => TargetComparison.LessThan,
            _ => TargetComparison.Equal,
        };
        if (!TryParseQuantity(cmp.Groups["v"].Value, out var value, out var unit, out error))
        {
            return false;
        }

        target = new Target(comparison, value, null, unit, t);
        return true;
    }

    public static Target Parse(string text) =>
        TryParse(text, out var t, out var error) ? t : throw new FormatException(error);

    internal static bool TryParseQuantity(string text, out double value, out TargetUnit unit, out string error)
    {
        var s = text.Trim();
        error = "";
        unit = TargetUnit.Number;
        value = 0;
        if (s.EndsWith('%'))
        {
            if (!double.TryParse(s[..^1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var pct))
            {
                error = $"'{s}' is not a percentage; write it like 65%";
                return false;
            }

            value = pct / 100;
            unit = TargetUnit.Percent;
            return true;
        }

        if (s.EndsWith('x') && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var times))
        {
            value = times;
            return true;
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            value = number;
            return true;
        }

        if (Duration.TryParse(s, out var duration))
        {
            value = duration.TotalSeconds;
            unit = TargetUnit.Duration;
            return true;
        }

        error = $"'{s}' is neither a number, a percentage (65%) nor a duration (30m, 14d)";
        return false;
    }

    /// <summary>Compares an actual (a fraction for percentages, seconds for durations) with this target.</summary>
    public TargetStatus Evaluate(double? actual)
    {
        if (actual is not { } a || double.IsNaN(a))
        {
            return TargetStatus.NoData;
        }

        var met = Comparison switch
        {
            TargetComparison.AtLeast => a >= Value,
            TargetComparison.MoreThan => a > Value,
            TargetComparison.AtMost => a <= Value,
            TargetComparison.LessThan => a < Value,
            TargetComparison.Equal => a == Value,
            _ => a >= Value && a <= UpperValue!.Value,
        };
        if (met)
        {
            return TargetStatus.Met;
        }

        var bound = Comparison == TargetComparison.Between && a > UpperValue!.Value ? UpperValue.Value : Value;
        var margin = Math.Abs(bound) * AtRiskMargin;
        return Math.Abs(a - bound) <= margin ? TargetStatus.AtRisk : TargetStatus.Missed;
    }

    /// <summary>Writes an actual in this target's unit: 61.2%, 2.5d, 42.</summary>
    public string FormatValue(double value) => FormatValue(value, Unit);

    public static string FormatValue(double value, TargetUnit unit) => unit switch
    {
        TargetUnit.Percent => (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%",
        TargetUnit.Duration => Duration.FormatApproximate(TimeSpan.FromSeconds(value)),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    public override string ToString() => Text;

    [GeneratedRegex(@"^(?<op>>=|<=|==|=|>|<|≥|≤)\s*(?<v>.+)$")]
    private static partial Regex ComparisonPattern();

    [GeneratedRegex(@"^(?<a>[^<>=≥≤]+?)\s*\.\.\s*(?<b>[^<>=≥≤]+)$")]
    private static partial Regex RangePattern();
}

internal sealed class TargetJsonConverter : JsonConverter<Target>
{
    public override Target Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Target.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, Target value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Text);
}
