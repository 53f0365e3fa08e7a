using System.Globalization;
using Microsoft.AspNetCore.Http;
using Trailmap.Journeys.Model;

namespace Trailmap.Web.Editing;

/// <summary>A touchpoint as the stage form edits it. An empty id means "derive it from the name", as the parser does.</summary>
public sealed record TouchpointRow(string Id, string Name, string Channel, string Layer, string Owner);

public sealed record PainPointRow(string Id, string Text, string Severity);

public sealed record OpportunityRow(string Id, string Text, string Type, string Priority, string Status, string Owner, string Addresses);

/// <summary>
/// The cards of one stage as the stage form shows and posts them: plain strings, exactly as typed (line endings
/// normalized), so a form with a mistake comes back to the user unchanged. <see cref="Read"/> turns them into
/// the values the YAML gets, or field errors.
/// </summary>
public sealed record StageCards
{
    /// <summary>Blank rows the form offers under each list, for adding items without JavaScript.</summary>
    public const int BlankRows = 2;

    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<TouchpointRow> Touchpoints { get; init; } = [];
    /// <summary>One thought per line.</summary>
    public string Thoughts { get; init; } = "";
    public string EmotionScore { get; init; } = "";
    /// <summary>Feeling words separated by commas.</summary>
    public string Feelings { get; init; } = "";
    public IReadOnlyList<PainPointRow> PainPoints { get; init; } = [];
    public IReadOnlyList<OpportunityRow> Opportunities { get; init; } = [];

    public static readonly string[] Layers = ["frontstage", "backstage"];
    public static readonly string[] Levels = ["low", "medium", "high"];
    public static readonly string[] OpportunityTypes = ["eliminate", "automate", "enhance", "add"];
    public static readonly string[] OpportunityStatuses = ["idea", "planned", "in-progress", "done"];

    /// <summary>The form filled from a stage as parsed: every derived id shown, so a rename keeps the id references use.</summary>
    public static StageCards From(Stage stage) => new()
    {
        Name = stage.Name,
        Description = stage.Description ?? "",
        Touchpoints = [.. stage.Touchpoints.Select(t => new TouchpointRow(t.Id, t.Name, t.Channel ?? "", Kebab(t.Layer), t.Owner ?? ""))],
        Thoughts = string.Join("\n", stage.Thoughts),
        EmotionScore = stage.Emotion?.Score is { } s ? s.ToString("R", CultureInfo.InvariantCulture) : "",
        Feelings = string.Join(", ", stage.Emotion?.Feelings ?? []),
        PainPoints = [.. stage.PainPoints.Select(p => new PainPointRow(p.Id, p.Text, Kebab(p.Severity)))],
        Opportunities = [.. stage.Opportunities.Select(o => new OpportunityRow(
            o.Id, o.Text, Kebab(o.Type), Kebab(o.Priority), Kebab(o.Status), o.Owner ?? "", string.Join(", ", o.Addresses)))],
    };

    /// <summary>The form as posted: fields <c>name</c>, <c>description</c>, <c>thoughts</c>, <c>emotion.score</c>, <c>emotion.feelings</c>, and rows <c>touchpoints[i].name</c> and so on.</summary>
    public static StageCards From(IFormCollection form) => new()
    {
        Name = Field(form, "name"),
        Description = Field(form, "description"),
        Touchpoints = [.. Rows(form, "touchpoints", p => new TouchpointRow(Field(form, p + "id"), Field(form, p + "name"), Field(form, p + "channel"), Field(form, p + "layer"), Field(form, p + "owner")))],
        Thoughts = Field(form, "thoughts"),
        EmotionScore = Field(form, "emotion.score"),
        Feelings = Field(form, "emotion.feelings"),
        PainPoints = [.. Rows(form, "pain_points", p => new PainPointRow(Field(form, p + "id"), Field(form, p + "text"), Field(form, p + "severity")))],
        Opportunities = [.. Rows(form, "opportunities", p => new OpportunityRow(
            Field(form, p + "id"), Field(form, p + "text"), Field(form, p + "type"), Field(form, p + "priority"), Field(form, p + "status"), Field(form, p + "owner"), Field(form, p + "addresses")))],
    };

    /// <summary>
    /// The stage's new cards, or the field errors that stop a save (each names the field and the row). Rows whose
    /// name or text is empty are dropped: clearing an item's name is how the form removes it.
    /// </summary>
    public (EditedCards? Cards, IReadOnlyList<string> Errors) Read(string stageId)
    {
        var errors = new List<string>();
        var name = Name.Trim();
        if (name.Length == 0)
        {
            errors.Add("Name: a stage needs a name (it is the column title on the map).");
        }

        var touchpoints = new List<EditedTouchpoint>();
        var n = 0;
        foreach (var row in Touchpoints.Where(r => r.Name.Trim().Length > 0))
        {
            n++;
            var label = $"Touchpoint {n} (\"{row.Name.Trim()}\")";
            var id = CheckId(row.Id, label, errors) ?? $"{stageId}-{Slug(row.Name)}";
            touchpoints.Add(new EditedTouchpoint(id, row.Name.Trim(), Optional(row.Channel), Choice(row.Layer, Layers, label + ": layer", errors), Optional(row.Owner)));
        }

        double? score = null;
        if (EmotionScore.Trim().Length > 0)
        {
            if (double.TryParse(EmotionScore.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s))
            {
                score = s;
            }
            else
            {
                errors.Add($"Emotion score: '{EmotionScore.Trim()}' is not a number; write a score on the journey's emotion scale, such as 3 or 4.5.");
            }
        }

        var pains = new List<EditedPainPoint>();
        n = 0;
        foreach (var row in PainPoints.Where(r => r.Text.Trim().Length > 0))
        {
            n++;
            var label = $"Pain point {n}";
            var id = CheckId(row.Id, label, errors) ?? $"{stageId}-pain-{n}";
            pains.Add(new EditedPainPoint(id, row.Text.Trim(), Choice(row.Severity, Levels, label + ": severity", errors)));
        }

        var opportunities = new List<EditedOpportunity>();
        n = 0;
        foreach (var row in Opportunities.Where(r => r.Text.Trim().Length > 0))
        {
            n++;
            var label = $"Opportunity {n}";
            var id = CheckId(row.Id, label, errors) ?? $"{stageId}-opportunity-{n}";
            opportunities.Add(new EditedOpportunity(
                id,
                row.Text.Trim(),
                Choice(row.Type, OpportunityTypes, label + ": type", errors),
                Choice(row.Priority, Levels, label + ": priority", errors),
                Choice(row.Status, OpportunityStatuses, label + ": status", errors),
                Optional(row.Owner),
                Split(row.Addresses, ',')));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new EditedCards(
            name,
            Description.Trim().Length == 0 ? null : Description.Trim(),
            touchpoints,
            Split(Thoughts, '\n'),
            score,
            Split(Feelings, ','),
            pains,
            opportunities), []);
    }

    /// <summary>Must match the parser's Ids.Slug: a touchpoint's default id. Applying the edit verifies the ids, so a drift cannot slip through.</summary>
    internal static string Slug(string text)
    {
        var chars = text.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-');
        var slug = string.Join("-", new string([.. chars]).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "item" : slug;
    }

    private static string? CheckId(string id, string label, List<string> errors)
    {
        id = id.Trim();
        if (id.Length == 0)
        {
            return null;
        }

        if (!char.IsAsciiLetterOrDigit(id[0]) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add($"{label}: '{id}' is not a valid id; use letters, digits, '-' and '_', starting with a letter or digit (or leave it empty).");
        }

        return id;
    }

    private static string? Choice(string value, string[] allowed, string label, List<string> errors)
    {
        value = value.Trim();
        if (value.Length == 0)
        {
            return null;
        }

        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add($"{label}: '{value}' is not one of {string.Join(", ", allowed)}.");
        }

        return value;
    }

    private static string? Optional(string value) => value.Trim().Length == 0 ? null : value.Trim();

    private static List<string> Split(string text, char separator) =>
        [.. text.Split(separator).Select(s => s.Trim()).Where(s => s.Length > 0)];

    private static string Field(IFormCollection form, string key) =>
        (form[key].FirstOrDefault() ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    // Rows are numbered from 0 with no gaps; a form with more rows than the stage had carries the blank ones.
    private static IEnumerable<T> Rows<T>(IFormCollection form, string list, Func<string, T> read)
    {
        for (var i = 0; i < 500 && form.Keys.Any(k => k.StartsWith($"{list}[{i}].", StringComparison.Ordinal)); i++)
        {
            yield return read($"{list}[{i}].");
        }
    }

    internal static string Kebab<T>(T? value)
        where T : struct, Enum => value is { } v ? Kebab(v) : "";

    internal static string Kebab<T>(T value)
        where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>A stage's cards after the form was read: what the YAML must say.</summary>
public sealed record EditedCards(
    string Name,
    string? Description,
    IReadOnlyList<EditedTouchpoint> Touchpoints,
    IReadOnlyList<string> Thoughts,
    double? EmotionScore,
    IReadOnlyList<string> Feelings,
    IReadOnlyList<EditedPainPoint> PainPoints,
    IReadOnlyList<EditedOpportunity> Opportunities);

public sealed record EditedTouchpoint(string Id, string Name, string? Channel, string? Layer, string? Owner);

public sealed record EditedPainPoint(string Id, string Text, string? Severity);

public sealed record EditedOpportunity(string Id, string Text, string? Type, string? Priority, string? Status, string? Owner, IReadOnlyList<string> Addresses);
