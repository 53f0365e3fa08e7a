using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;

namespace Trailmap.Automation.Running;

/// <summary>
/// A journey the runner evaluates: its id in the workspace (the journey's slug, or the YAML id for a file) and the
/// parsed journey, or why it could not be loaded (then it is reported and the other journeys still run).
/// </summary>
public sealed record AutomatedJourney(string Id, Journey? Journey, string? Error = null)
{
    /// <summary>
    /// When this version of the journey was saved in the workspace (null for a file): rules a pass sees for the first
    /// time act on events from this moment, not from the pass (see <see cref="AutomationRunner.SaveGrace"/>).
    /// </summary>
    public DateTimeOffset? SavedAt { get; init; }

    /// <summary>The saved version's number in the workspace (null for a file): whose measurement the pages may share.</summary>
    public int? Version { get; init; }

    /// <summary>Parses <paramref name="yaml"/>; a file with errors becomes a journey that reports them.</summary>
    public static AutomatedJourney FromYaml(string id, string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(id);
        var file = JourneyFile.FromText(yaml ?? "", source);
        var errors = file.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        return errors.Count > 0 || file.Journey is null
            ? new AutomatedJourney(id, null, $"{source} does not load: " + string.Join("; ", errors.Select(e => e.ToString())))
            : new AutomatedJourney(id, file.Journey);
    }

    /// <summary>A journey file read from disk, with its YAML id as its id.</summary>
    public static AutomatedJourney FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new AutomatedJourney(Path.GetFileNameWithoutExtension(path), null, $"{path} cannot be read: {e.Message}");
        }

        var loaded = FromYaml(Path.GetFileNameWithoutExtension(path), yaml, path);
        return loaded.Journey is { } j ? loaded with { Id = j.Id } : loaded;
    }

    /// <summary>The interventions' and sequences' ids, in file order.</summary>
    public IReadOnlyList<string> RuleIds =>
        Journey is null ? [] : [.. Journey.Interventions.Select(i => i.Id), .. Journey.Sequences.Select(s => s.Id)];
}
