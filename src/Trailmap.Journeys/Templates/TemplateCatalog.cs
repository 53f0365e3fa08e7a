using System.Reflection;
using Trailmap.Journeys.Parsing;

namespace Trailmap.Journeys.Templates;

/// <summary>A starter journey shipped inside the library: what <c>trailmap templates</c> lists and <c>trailmap init --template</c> writes.</summary>
public sealed record JourneyTemplate(string Name, string Title, string Description)
{
    /// <summary>The template's YAML exactly as shipped, comment header included.</summary>
    public string ReadYaml() => TemplateCatalog.ReadYaml(Name);
}

/// <summary>The journey templates embedded in this assembly, found by their resource names.</summary>
public static class TemplateCatalog
{
    // The csproj embeds Templates/*.yaml under this prefix, so adding a file is all it takes to ship a template.
    private const string ResourcePrefix = "Trailmap.Templates.";
    private const string ResourceSuffix = ".yaml";

    private static readonly Assembly Resources = typeof(TemplateCatalog).Assembly;
    private static readonly Lazy<IReadOnlyList<JourneyTemplate>> Templates = new(Load);

    /// <summary>Every template, ordered by name.</summary>
    public static IReadOnlyList<JourneyTemplate> All => Templates.Value;

    /// <summary>The template with this name (e.g. <c>saas-trial</c>), or null when there is none.</summary>
    public static JourneyTemplate? Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The YAML text of a template.</summary>
    /// <exception cref="ArgumentException">No template has this name; the message lists the names there are.</exception>
    public static string ReadYaml(string name)
    {
        var template = Find(name)
            ?? throw new ArgumentException($"there is no template '{name}'; choose one of: {string.Join(", ", All.Select(t => t.Name))}", nameof(name));
        return ReadResource(ResourcePrefix + template.Name + ResourceSuffix);
    }

    private static List<JourneyTemplate> Load() =>
    [
        .. Resources.GetManifestResourceNames()
            .Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith(ResourceSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(Describe),
    ];

    // Title and description come from the journey itself, so the listing can never disagree with the file it writes.
    private static JourneyTemplate Describe(string resource)
    {
        var name = resource[ResourcePrefix.Length..^ResourceSuffix.Length];
        var journey = JourneyParser.Parse(ReadResource(resource), name + ResourceSuffix).Journey;
        return new JourneyTemplate(name, journey?.Title ?? name, journey?.Description ?? "");
    }

    private static string ReadResource(string resource)
    {
        using var stream = Resources.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the embedded template '{resource}' is missing from {Resources.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
