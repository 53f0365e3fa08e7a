using Trailmap.Journeys;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Editing;

/// <summary>What became of a save from the editor or the stage form.</summary>
public abstract record SaveOutcome
{
    /// <summary>A new version was saved.</summary>
    public sealed record Saved(StoredJourney Journey) : SaveOutcome;

    /// <summary>The text equals the latest version's; nothing was saved.</summary>
    public sealed record Unchanged(StoredJourney Journey) : SaveOutcome;

    /// <summary>The text has errors; nothing was saved.</summary>
    public sealed record Invalid(JourneyFile File) : SaveOutcome;

    /// <summary>Someone saved a newer version than the one the edit started from; nothing was saved.</summary>
    public sealed record Conflict(StoredJourney Latest) : SaveOutcome;

    /// <summary>The journey was deleted meanwhile.</summary>
    public sealed record Gone : SaveOutcome;
}

/// <summary>
/// Saves an edit only when the journey is still at the version the edit started from (optimistic concurrency),
/// so two editors never overwrite each other silently. The store checks the expected version inside the save's own
/// transaction, so saves from the API or another page cannot slip in between; the lock only keeps this page's
/// check-then-save readable as one step.
/// </summary>
public static class VersionedSave
{
    private static readonly Lock Gate = new();

    public static SaveOutcome Save(JourneyStore journeys, string slug, int baseVersion, string yaml, string author, string message)
    {
        var file = JourneyFile.FromText(yaml);
        if (file.HasErrors || file.Journey is null)
        {
            return new SaveOutcome.Invalid(file);
        }

        lock (Gate)
        {
            if (journeys.Find(slug) is not { } current)
            {
                return new SaveOutcome.Gone();
            }

            if (current.Version != baseVersion)
            {
                return new SaveOutcome.Conflict(current);
            }

            try
            {
                var saved = journeys.Save(current, yaml, author, message, expectedVersion: baseVersion);
                return saved.Version == current.Version ? new SaveOutcome.Unchanged(saved) : new SaveOutcome.Saved(saved);
            }
            catch (JourneyConflictException)
            {
                return new SaveOutcome.Conflict(journeys.Find(slug) ?? current);
            }
        }
    }

    /// <summary>Saves an old version's text as the newest version (under the same lock as every other save).</summary>
    public static SaveOutcome Revert(JourneyStore journeys, string slug, int version, string author)
    {
        lock (Gate)
        {
            if (journeys.Find(slug) is not { } current)
            {
                return new SaveOutcome.Gone();
            }

            var saved = journeys.Revert(current, version, author);
            return saved.Version == current.Version ? new SaveOutcome.Unchanged(saved) : new SaveOutcome.Saved(saved);
        }
    }

    /// <summary>Editors' text arrives with the browser's CRLF line breaks; versions keep LF, as the templates do.</summary>
    public static string Normalize(string? text) =>
        (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}
