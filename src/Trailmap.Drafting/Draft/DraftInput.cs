using System.Text;

namespace Trailmap.Drafting.Draft;

/// <summary>
/// What a draft starts from: a brief (Markdown or text: product, audience, goals), optional interview notes, survey
/// answers (CSV) and an existing journey to extend. All of it is data for the model, never instructions to trailmap.
/// </summary>
public sealed record DraftInput
{
    /// <summary>The inputs together may hold at most this many characters, so a prompt stays within a model's context.</summary>
    public const int MaxCharacters = 200_000;

    public required string Brief { get; init; }
    public string BriefName { get; init; } = "brief";
    public IReadOnlyList<(string Name, string Text)> Notes { get; init; } = [];
    public (string Name, string Text)? Survey { get; init; }
    public (string Name, string Yaml)? Extend { get; init; }

    public int Characters => Brief.Length + Notes.Sum(n => n.Text.Length) + (Survey?.Text.Length ?? 0) + (Extend?.Yaml.Length ?? 0);

    public void Check()
    {
        if (string.IsNullOrWhiteSpace(Brief))
        {
            throw new DraftException($"the brief '{BriefName}' is empty; write the product, its audience and their goals in it");
        }

        if (Characters > MaxCharacters)
        {
            throw new DraftException($"the inputs hold {Characters:N0} characters, more than the {MaxCharacters:N0} a draft takes; shorten the brief, notes or survey");
        }

        if (Survey is { } survey)
        {
            SurveyCsv.Check(survey.Name, survey.Text);
        }

        // A journey to extend must load: its ids are what the draft has to keep, and a broken one has none to check.
        if (Extend is { } extend && Journeys.JourneyFile.FromText(extend.Yaml, extend.Name) is { } original
            && (original.HasErrors || original.Journey is null))
        {
            var errors = original.Diagnostics.Where(d => d.Severity == Journeys.Validation.Severity.Error).ToList();
            throw new DraftException(
                $"the journey to extend, {extend.Name}, has {errors.Count} error{(errors.Count == 1 ? "" : "s")}; fix {(errors.Count == 1 ? "it" : "them")} first (trailmap validate shows them all). The first: {errors.FirstOrDefault()?.ToString() ?? "it is not a journey"}");
        }
    }

    /// <summary>The inputs as one block of clearly fenced data for the prompt.</summary>
    public string AsPromptData()
    {
        var sb = new StringBuilder();
        void Block(string kind, string name, string text) =>
            sb.Append("<<<").Append(kind).Append(' ').Append(name).Append('\n').Append(text.TrimEnd()).Append("\n>>>\n\n");
        Block("BRIEF", BriefName, Brief);
        foreach (var (name, text) in Notes)
        {
            Block("INTERVIEW NOTES", name, text);
        }

        if (Survey is { } survey)
        {
            Block("SURVEY ANSWERS (CSV)", survey.Name, survey.Text);
        }

        if (Extend is { } extend)
        {
            Block("EXISTING JOURNEY TO EXTEND (YAML)", extend.Name, extend.Yaml);
        }

        return sb.ToString();
    }
}
