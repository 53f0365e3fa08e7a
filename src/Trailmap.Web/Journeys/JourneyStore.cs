using System.Text.RegularExpressions;
using Trailmap.Journeys;
using Trailmap.Web.State;

namespace Trailmap.Web.Journeys;

/// <summary>A journey in the workspace: its address (slug) and its latest version.</summary>
public sealed record StoredJourney(long Id, string Slug, string Title, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>One saved version of a journey's YAML. Versions are never changed; a revert saves a new one.</summary>
public sealed record JourneyVersion(long JourneyId, int Version, string Yaml, string Author, string Message, DateTimeOffset CreatedAt);

/// <summary>
/// Journeys and every version of each. A version is saved only when the YAML has no errors (lint warnings are
/// fine), so whatever the workspace shows or measures always parses.
/// </summary>
public sealed partial class JourneyStore
{
    private readonly WorkspaceDb db;
    private readonly TimeProvider time;

    public JourneyStore(WorkspaceDb db, TimeProvider time)
    {
        this.db = db;
        this.time = time;
        db.Ensure("""
            CREATE TABLE IF NOT EXISTS journeys (
                id         BIGINT PRIMARY KEY,
                slug       VARCHAR NOT NULL UNIQUE,
                title      VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                deleted_at TIMESTAMP)
            """);
        db.Ensure("""
            CREATE TABLE IF NOT EXISTS journey_versions (
                journey_id BIGINT NOT NULL,
                version    INTEGER NOT NULL,
                yaml       VARCHAR NOT NULL,
                author     VARCHAR NOT NULL,
                message    VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                PRIMARY KEY (journey_id, version))
            """);
    }

    private const string Select = """
        SELECT j.id, j.slug, j.title, v.version, j.created_at, v.created_at, v.author
        FROM journeys j
        JOIN journey_versions v ON v.journey_id = j.id AND v.version = (SELECT max(version) FROM journey_versions WHERE journey_id = j.id)
        WHERE j.deleted_at IS NULL
        """;

    public IReadOnlyList<StoredJourney> All() => db.Query(Select + " ORDER BY lower(j.title), j.slug", Read);

    public StoredJourney? Find(string slug) => db.Query(Select + " AND j.slug = $slug", Read, ("slug", slug)).FirstOrDefault();

    public IReadOnlyList<JourneyVersion> Versions(long journeyId) => db.Query(
        "SELECT journey_id, version, yaml, author, message, created_at FROM journey_versions WHERE journey_id = $id ORDER BY version DESC",
        ReadVersion, ("id", journeyId));

    public JourneyVersion? Version(long journeyId, int version) => db.Query(
        "SELECT journey_id, version, yaml, author, message, created_at FROM journey_versions WHERE journey_id = $id AND version = $v",
        ReadVersion, ("id", journeyId), ("v", version)).FirstOrDefault();

    public JourneyVersion Latest(StoredJourney journey) =>
        Version(journey.Id, journey.Version) ?? throw new InvalidOperationException($"journey {journey.Slug} has no version {journey.Version}");

    /// <summary>
    /// Adds a journey from YAML; its slug is the journey's id unless that is taken, then id-2, id-3... A copy (a
    /// journey whose title another journey already has) gets a distinct title, "X (copy)", then "X (copy 2)"...,
    /// written into its YAML so the map, the list and later versions agree; version 1's message says so.
    /// </summary>
    public StoredJourney Create(string yaml, string author, string message = "Created")
    {
        var parsed = Parse(yaml);
        var baseSlug = Slug(parsed.Journey!.Id);
        var now = time.GetUtcNow();
        var slug = db.InTransaction(tx =>
        {
            var candidate = baseSlug;
            for (var n = 2; ReservedSlugs.Contains(candidate) || tx.Scalar<long>("SELECT count(*) FROM journeys WHERE slug = $s", ("s", candidate)) > 0; n++)
            {
                candidate = baseSlug + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var taken = tx.Query("SELECT title FROM journeys WHERE deleted_at IS NULL", r => r.GetString(0));
            var title = CopyTitle.Distinct(parsed.Journey.Title, taken);
            var text = yaml;
            var note = message;
            if (!string.Equals(title, parsed.Journey.Title, StringComparison.Ordinal))
            {
                // Were the title not rewritable in place (an unusual scalar), the stored title still differs: the
                // list tells the copies apart until the next save takes the YAML's title again.
                text = CopyTitle.Retitled(yaml, title) ?? yaml;
                note = $"{message} (titled \"{title}\": another journey has the title \"{parsed.Journey.Title}\")";
            }

            var id = tx.Scalar<long>("SELECT coalesce(max(id), 0) + 1 FROM journeys");
            tx.Execute("INSERT INTO journeys VALUES ($id, $slug, $title, $now, NULL)", ("id", id), ("slug", candidate), ("title", title), ("now", now));
            tx.Execute("INSERT INTO journey_versions VALUES ($id, 1, $yaml, $author, $message, $now)", ("id", id), ("yaml", text), ("author", author), ("message", note), ("now", now));
            return candidate;
        });
        return Find(slug)!;
    }

    /// <summary>
    /// Saves <paramref name="yaml"/> as the next version; unchanged text saves nothing and returns the journey as is.
    /// With <paramref name="expectedVersion"/>, the save happens only if that is still the latest version, checked in the
    /// same transaction as the insert, so two editors saving at once cannot both win.
    /// </summary>
    public StoredJourney Save(StoredJourney journey, string yaml, string author, string message, int? expectedVersion = null)
    {
        var parsed = Parse(yaml);
        if (Latest(journey).Yaml == yaml)
        {
            return journey;
        }

        var now = time.GetUtcNow();
        db.InTransaction(tx =>
        {
            var next = tx.Scalar<int>("SELECT max(version) + 1 FROM journey_versions WHERE journey_id = $id", ("id", journey.Id));
            if (expectedVersion is { } expected && next - 1 != expected)
            {
                throw new JourneyConflictException(journey.Slug, expected, next - 1);
            }

            tx.Execute("INSERT INTO journey_versions VALUES ($id, $v, $yaml, $author, $message, $now)",
                ("id", journey.Id), ("v", next), ("yaml", yaml), ("author", author), ("message", string.IsNullOrWhiteSpace(message) ? "Edited" : message.Trim()), ("now", now));
            tx.Execute("UPDATE journeys SET title = $title WHERE id = $id", ("title", parsed.Journey!.Title), ("id", journey.Id));
            return next;
        });
        return Find(journey.Slug)!;
    }

    /// <summary>Saves an old version's text as the newest version; history is kept, nothing is rewritten.</summary>
    public StoredJourney Revert(StoredJourney journey, int version, string author)
    {
        var old = Version(journey.Id, version) ?? throw new JourneyStoreException($"Journey {journey.Slug} has no version {version}.");
        return Save(journey, old.Yaml, author, $"Reverted to version {version}");
    }

    public void Delete(StoredJourney journey) =>
        db.Execute("UPDATE journeys SET deleted_at = $now WHERE id = $id", ("now", time.GetUtcNow()), ("id", journey.Id));

    /// <summary>The parsed journey, or <see cref="JourneyValidationException"/> listing every error with its line and column.</summary>
    public static JourneyFile Parse(string yaml, string path = "journey.yaml")
    {
        var file = JourneyFile.FromText(yaml ?? "", path);
        if (file.HasErrors || file.Journey is null)
        {
            throw new JourneyValidationException(file);
        }

        return file;
    }

    /// <summary>
    /// Slugs a route already answers: a journey with id <c>new</c> would otherwise sit at /journeys/new, the create
    /// page, and never be reachable. Such a journey gets the next free slug (new-2).
    /// </summary>
    private static readonly HashSet<string> ReservedSlugs = new(StringComparer.Ordinal) { "new" };

    public static string Slug(string id)
    {
        var slug = NotSlug().Replace(id.ToLowerInvariant(), "-").Trim('-');
        return slug.Length == 0 ? "journey" : slug.Length > 80 ? slug[..80] : slug;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();

    private static StoredJourney Read(System.Data.Common.DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), WorkspaceDb.Utc(r, 4), WorkspaceDb.Utc(r, 5), r.GetString(6));

    private static JourneyVersion ReadVersion(System.Data.Common.DbDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), WorkspaceDb.Utc(r, 5));
}

/// <summary>YAML with errors: nothing was saved; the diagnostics say where and how to fix it.</summary>
public sealed class JourneyValidationException(JourneyFile file)
    : Exception("The journey has errors: " + string.Join("; ", file.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).Select(d => d.ToString())))
{
    public JourneyFile File { get; } = file;
}

public sealed class JourneyStoreException(string message) : Exception(message);

/// <summary>Someone saved the journey since the version the caller started from; nothing was saved.</summary>
public sealed class JourneyConflictException(string slug, int expected, int latest)
    : Exception($"Journey {slug} is at version {latest} now, not {expected}: someone saved in the meantime. Reload, reapply your change and save again.")
{
    public int Expected { get; } = expected;

    public int Latest { get; } = latest;
}
