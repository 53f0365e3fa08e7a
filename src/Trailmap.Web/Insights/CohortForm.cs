using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;
using Trailmap.Web.Editing;

namespace Trailmap.Web.Insights;

/// <summary>One "did" or "did not" row of the cohort form, as typed.</summary>
public sealed record CohortRuleRow(string Event, string Where, string AtLeast, string AtMost, string Of, string Within)
{
    public static readonly CohortRuleRow Blank = new("", "", "", "", "", "");

    public bool IsBlank => string.IsNullOrWhiteSpace(Event) && string.IsNullOrWhiteSpace(Where) && string.IsNullOrWhiteSpace(AtLeast)
        && string.IsNullOrWhiteSpace(AtMost) && string.IsNullOrWhiteSpace(Of) && string.IsNullOrWhiteSpace(Within);
}

/// <summary>
/// The web form that defines a cohort (docs/cohorts.md): by behaviour (did, did not), by traits, or a saved list of
/// ids. Each field is checked where it was typed, so an error names the field; the entry it writes is the journey
/// file's own <c>cohorts:</c> syntax, one rule a line.
/// </summary>
public sealed record CohortForm
{
    /// <summary>How many did and did-not rows the form offers.</summary>
    public const int DidRows = 3;
    public const int DidNotRows = 2;

    /// <summary>The most characters a text field takes (a saved list's ids aside).</summary>
    public const int MaxField = 500;

    /// <summary>The most ids a saved list takes, as the journey format allows.</summary>
    public const int MaxIds = 100_000;

    public string Id { get; init; } = "";
    public string Name { get; init; } = "";

    /// <summary><c>rules</c> or <c>list</c>.</summary>
    public string Kind { get; init; } = "rules";
    public IReadOnlyList<CohortRuleRow> Did { get; init; } = [.. Enumerable.Repeat(CohortRuleRow.Blank, DidRows)];
    public IReadOnlyList<CohortRuleRow> DidNot { get; init; } = [.. Enumerable.Repeat(CohortRuleRow.Blank, DidNotRows)];
    public string Traits { get; init; } = "";

    /// <summary>The saved list's ids, one a line (commas split too).</summary>
    public string Ids { get; init; } = "";

    public static CohortForm From(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        string Field(string name) => form[name].FirstOrDefault() ?? "";
        CohortRuleRow Row(string prefix) => new(Field(prefix + "event"), Field(prefix + "where"), Field(prefix + "at_least"), Field(prefix + "at_most"), Field(prefix + "of"), Field(prefix + "within"));
        return new CohortForm
        {
            Id = Field("id").Trim(),
            Name = Field("name").Trim(),
            Kind = Field("kind") == "list" ? "list" : "rules",
            Did = [.. Enumerable.Range(0, DidRows).Select(i => Row($"did[{i}]."))],
            DidNot = [.. Enumerable.Range(0, DidNotRows).Select(i => Row($"did_not[{i}]."))],
            Traits = Field("traits").Trim(),
            Ids = Field("ids"),
        };
    }

    /// <summary>The ids of the saved list, in the order typed, blanks and repeats left out.</summary>
    public IReadOnlyList<string> IdList() =>
        [.. Ids.Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>Each field's error (keyed by the field's name in the form); empty when the cohort can be written.</summary>
    public IReadOnlyDictionary<string, string> Check(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Id.Length == 0)
        {
            errors["id"] = "Give the cohort an id, e.g. early-inviters: funnels, rules and personas name it by this.";
        }
        else if (!JourneyParser.IsValidId(Id))
        {
            errors["id"] = $"\"{Id}\" is not an id: use letters, digits, '-' and '_', starting with a letter or digit.";
        }
        else if (journey.FindCohort(Id) is not null)
        {
            errors["id"] = $"This journey already has a cohort \"{Id}\"; choose another id, or change that one in the editor.";
        }

        if (Name.Length > MaxField)
        {
            errors["name"] = $"At most {MaxField} characters.";
        }

        if (Kind == "list")
        {
            var ids = IdList();
            if (ids.Count == 0)
            {
                errors["ids"] = "List the customers' ids, one a line.";
            }
            else if (ids.Count > MaxIds)
            {
                errors["ids"] = $"A saved list holds at most {MaxIds:N0} ids; this has {ids.Count:N0}.";
            }

            return errors;
        }

        for (var i = 0; i < Did.Count; i++)
        {
            CheckRow(errors, $"did[{i}].", Did[i], counts: true);
        }

        for (var i = 0; i < DidNot.Count; i++)
        {
            CheckRow(errors, $"did_not[{i}].", DidNot[i], counts: false);
        }

        if (Traits.Length > 0)
        {
            CheckFilter(errors, "traits", Traits);
        }

        if (Traits.Length == 0 && Did.All(r => r.IsBlank) && DidNot.All(r => r.IsBlank) && errors.Count == 0)
        {
            errors["did[0].event"] = "Say who belongs: an event they did or did not do, a traits filter, or choose a saved list of ids.";
        }

        return errors;
    }

    /// <summary>The cohort as an entry of a block <c>cohorts:</c> list whose dashes sit at <paramref name="indent"/> spaces.</summary>
    public string Entry(int indent)
    {
        var pad = new string(' ', indent);
        var yaml = new StringBuilder().Append(pad).Append("- id: ").Append(Id).Append('\n');
        if (Name.Length > 0)
        {
            yaml.Append(pad).Append("  name: ").Append(YamlText.Scalar(Name)).Append('\n');
        }

        if (Kind == "list")
        {
            yaml.Append(pad).Append("  ids:\n");
            foreach (var id in IdList())
            {
                yaml.Append(pad).Append("    - ").Append(YamlText.Quoted(id)).Append('\n');
            }

            return yaml.ToString();
        }

        void Rules(string key, IEnumerable<CohortRuleRow> rows)
        {
            var filled = rows.Where(r => !r.IsBlank).ToList();
            if (filled.Count == 0)
            {
                return;
            }

            yaml.Append(pad).Append("  ").Append(key).Append(":\n");
            foreach (var r in filled)
            {
                var parts = new List<string> { "event: " + YamlText.Scalar(r.Event.Trim()) };
                if (r.Where.Trim() is { Length: > 0 } where)
                {
                    parts.Add("where: " + YamlText.Quoted(where));
                }

                if (r.AtLeast.Trim() is { Length: > 0 } least)
                {
                    parts.Add("at_least: " + least);
                }

                if (r.AtMost.Trim() is { Length: > 0 } most)
                {
                    parts.Add("at_most: " + most);
                }

                if (r.Of.Trim() is { Length: > 0 } of)
                {
                    parts.Add("of: " + YamlText.Scalar(of));
                }

                if (r.Within.Trim() is { Length: > 0 } within)
                {
                    parts.Add("within: " + YamlText.Scalar(within));
                }

                yaml.Append(pad).Append("    - { ").Append(string.Join(", ", parts)).Append(" }\n");
            }
        }

        Rules("did", Did);
        Rules("did_not", DidNot);
        if (Traits.Length > 0)
        {
            yaml.Append(pad).Append("  traits: ").Append(YamlText.Quoted(Traits)).Append('\n');
        }

        return yaml.ToString();
    }

    private static void CheckRow(Dictionary<string, string> errors, string prefix, CohortRuleRow row, bool counts)
    {
        if (row.IsBlank)
        {
            return;
        }

        foreach (var (field, value) in new[] { ("event", row.Event), ("where", row.Where), ("of", row.Of), ("within", row.Within), ("at_least", row.AtLeast), ("at_most", row.AtMost) })
        {
            if (value.Length > MaxField)
            {
                errors[prefix + field] = $"At most {MaxField} characters.";
            }
        }

        if (row.Event.Trim().Length == 0)
        {
            errors[prefix + "event"] = "Name the event this rule counts.";
        }

        if (row.Where.Trim().Length > 0)
        {
            CheckFilter(errors, prefix + "where", row.Where.Trim());
        }

        int? least = null;
        if (counts && row.AtLeast.Trim() is { Length: > 0 } leastText)
        {
            least = WholeNumber(errors, prefix + "at_least", leastText);
        }

        if (counts && row.AtMost.Trim() is { Length: > 0 } mostText && WholeNumber(errors, prefix + "at_most", mostText) is { } most && most < (least ?? 1))
        {
            errors[prefix + "at_most"] = $"At most {most} is fewer than at least {least ?? 1}: no one could match.";
        }

        if (row.Within.Trim() is { Length: > 0 } within)
        {
            if (row.Of.Trim().Length == 0)
            {
                errors[prefix + "within"] = "A window needs the event it opens at: fill in \"of\", or clear \"within\".";
            }
            else if (!Duration.TryParse(within, out _))
            {
                errors[prefix + "within"] = $"\"{within}\" is not a duration: write a number and a unit, e.g. 90s, 30m, 12h, 7d or 2w.";
            }
        }
    }

    private static int? WholeNumber(Dictionary<string, string> errors, string field, string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        errors[field] = $"\"{text}\" is not a whole number of events (0 or more).";
        return null;
    }

    private static void CheckFilter(Dictionary<string, string> errors, string field, string text)
    {
        try
        {
            _ = Filter.Parse(text);
        }
        catch (FormatException e)
        {
            errors[field] = $"Not a filter: {e.Message}. A filter reads like plan == \"team\" and seats >= 5.";
        }
    }
}
