using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Model;

/// <summary>Where a KPI stands before the work ("time to value is 14 days today"): a number, a percentage or a duration.</summary>
[JsonConverter(typeof(BaselineJsonConverter))]
public sealed record Baseline(double Value, TargetUnit Unit, string Text)
{
    public const string Help = "write the baseline as the KPI's value today: a number (40), a percentage (12%) or a duration (14d)";

    public static bool TryParse(string text, out Baseline baseline, out string error)
    {
        baseline = null!;
        if (!Target.TryParseQuantity(text, out var value, out var unit, out error))
        {
            error = $"'{text.Trim()}' is not a baseline: {Help}";
            return false;
        }

        baseline = new Baseline(value, unit, text.Trim());
        return true;
    }

    public override string ToString() => Text;
}

/// <summary>
/// A target written as a change from the baseline, as documents write goals: "+20%" and "-30%" are relative to the
/// baseline (12% + 20% is 14.4%); "+5pp" adds percentage points to a percentage; "-11d" or "+5" add to it in its own unit.
/// An increase reads as "at least" the result, a decrease as "at most".
/// </summary>
[JsonConverter(typeof(TargetChangeJsonConverter))]
public sealed partial record TargetChange(double Amount, ChangeKind Kind, TargetUnit Unit, string Text)
{
    public const string Help = "write a change with its sign: '+20%' or '-30%' (relative to the baseline), '+5pp' (percentage points), or '-11d', '+5' (in the baseline's unit)";

    public static bool TryParse(string text, out TargetChange change, out string error)
    {
        change = null!;
        error = "";
        var m = ChangePattern().Match(text.Trim());
        if (!m.Success)
        {
            error = $"'{text.Trim()}' is not a change: {Help}";
            return false;
        }

        var sign = m.Groups["sign"].Value == "+" ? 1 : -1;
        var rest = m.Groups["rest"].Value.Trim();
        if (rest.EndsWith("pp", StringComparison.OrdinalIgnoreCase)
            && double.TryParse(rest[..^2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var points))
        {
            change = new TargetChange(sign * points / 100, ChangeKind.Absolute, TargetUnit.Percent, text.Trim());
            return true;
        }

        if (rest.EndsWith('%') && double.TryParse(rest[..^1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var pct))
        {
            change = new TargetChange(sign * pct / 100, ChangeKind.Relative, TargetUnit.Percent, text.Trim());
            return true;
        }

        if (!Target.TryParseQuantity(rest, out var amount, out var unit, out _))
        {
            error = $"'{text.Trim()}' is not a change: {Help}";
            return false;
        }

        change = new TargetChange(sign * amount, ChangeKind.Absolute, unit, text.Trim());
        return true;
    }

    /// <summary>The target this change sets from <paramref name="baseline"/>, or why it cannot.</summary>
    public Target? TargetFrom(Baseline baseline, out string error)
    {
        error = "";
        double value;
        if (Kind == ChangeKind.Relative)
        {
            if (Amount <= -1)
            {
                error = $"a change of {Text} would take the KPI to zero or below; a relative decrease stays above -100%";
                return null;
            }

            value = baseline.Value * (1 + Amount);
        }
        else
        {
            if (Unit != baseline.Unit)
            {
                error = $"the change {Text} is a {Unit.ToString().ToLowerInvariant()} and the baseline {baseline.Text} a {baseline.Unit.ToString().ToLowerInvariant()}; write the change in the baseline's unit, or as a relative '+20%'";
                return null;
            }

            value = baseline.Value + Amount;
        }

        value = Math.Round(value, 10);
        var comparison = Amount >= 0 ? TargetComparison.AtLeast : TargetComparison.AtMost;
        var text = (comparison == TargetComparison.AtLeast ? ">= " : "<= ") + Target.FormatValue(value, baseline.Unit);
        return new Target(comparison, value, null, baseline.Unit, text);
    }

    public override string ToString() => Text;

    [GeneratedRegex(@"^(?<sign>[+-])\s*(?<rest>\d.*)$")]
    private static partial Regex ChangePattern();
}

public enum ChangeKind { Relative, Absolute }

internal sealed class BaselineJsonConverter : JsonConverter<Baseline>
{
    public override Baseline Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Baseline.TryParse(reader.GetString() ?? "", out var b, out var error) ? b : throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, Baseline value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text);
}

internal sealed class TargetChangeJsonConverter : JsonConverter<TargetChange>
{
    public override TargetChange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TargetChange.TryParse(reader.GetString() ?? "", out var c, out var error) ? c : throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, TargetChange value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text);
}
