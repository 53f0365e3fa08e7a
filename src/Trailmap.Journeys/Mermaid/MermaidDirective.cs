using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Mermaid;

/// <summary>
/// A <c>%% trailmap: key=value</c> comment in a Mermaid journey: what a Trailmap export knows that Mermaid's grammar
/// cannot say (ids, and which scores were only filled in), read back by the import. Mermaid ignores comments.
/// </summary>
internal sealed partial record MermaidDirective(string Key, string Value)
{
    public const string Prefix = "%% trailmap:";
    public const string Journey = "journey";
    public const string Stage = "stage";
    public const string Persona = "persona";
    public const string Unscored = "unscored";
    public const string NoActions = "no-actions";

    public static MermaidDirective? Parse(string comment) =>
        Pattern().Match(comment) is { Success: true } m ? new MermaidDirective(m.Groups["key"].Value, m.Groups["value"].Value.Trim()) : null;

    [GeneratedRegex(@"^%%\s*trailmap:\s*(?<key>[a-z-]+)\s*(=(?<value>.*))?$")]
    private static partial Regex Pattern();
}
