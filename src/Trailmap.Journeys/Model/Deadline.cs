using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Model;

/// <summary>"within 7d of signup": a span measured from a stage (by id) or an event (by name).</summary>
[JsonConverter(typeof(DeadlineJsonConverter))]
public sealed partial record Deadline(Duration Within, string? Of, string Text)
{
    public const string Help = "write a deadline as 'within DURATION of STAGE-OR-EVENT', e.g. 'within 7d of signup'";

    public static bool TryParse(string? text, out Deadline deadline, out string error)
    {
        deadline = null!;
        error = "";
        var m = DeadlinePattern().Match(text?.Trim() ?? "");
        if (!m.Success)
        {
            error = $"'{text}' is not a deadline: {Help}";
            return false;
        }

        if (!Duration.TryParse(m.Groups["d"].Value, out var within))
        {
            error = $"'{m.Groups["d"].Value}' in the deadline is not a duration: {Duration.Help}";
            return false;
        }

        var of = m.Groups["of"].Success ? m.Groups["of"].Value.Trim() : null;
        deadline = new Deadline(within, of, text!.Trim());
        return true;
    }

    public override string ToString() => Text;

    [GeneratedRegex(@"^(?:within\s+)?(?<d>\d+(?:\.\d+)?\s*[a-zA-Z]+)(?:\s+(?:of|after|from)\s+(?<of>.+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex DeadlinePattern();
}

internal sealed class DeadlineJsonConverter : JsonConverter<Deadline>
{
    public override Deadline Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Deadline.TryParse(reader.GetString(), out var d, out var error) ? d : throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, Deadline value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Text);
}

public enum MilestoneUnit { Day, Week, Month, Year }

/// <summary>The parsed form of a milestone's "Day 14" or "Month 6", used to order milestones in time.</summary>
public readonly partial record struct MilestoneOffset(MilestoneUnit Unit, int Number)
{
    public double ApproximateDays => Unit switch
    {
        MilestoneUnit.Day => Number,
        MilestoneUnit.Week => Number * 7,
        MilestoneUnit.Month => Number * 30.44,
        _ => Number * 365.25,
    };

    public static bool TryParse(string text, out MilestoneOffset offset)
    {
        offset = default;
        var m = OffsetPattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        var unit = Enum.Parse<MilestoneUnit>(m.Groups["u"].Value, ignoreCase: true);
        offset = new MilestoneOffset(unit, int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }

    [GeneratedRegex(@"^(?<u>day|week|month|year)\s*(?<n>\d+)$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetPattern();
}
