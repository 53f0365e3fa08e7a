using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// The one place where a DuckDB store resolves identities. <c>identity_links</c> keeps every link as it arrived
/// (idempotent by message id); <c>identities</c> maps each merged id to its person, rebuilt from all the links by
/// <see cref="IdentityGraph"/> whenever links are added; the view <c>resolved_events</c> is the events table with
/// each customer id replaced by its person. Every reader that counts people reads <see cref="EventSource"/>, so a
/// merge applies to every analysis, including events that arrived before it.
/// </summary>
internal static class Identities
{
    /// <summary>The tables and the view, created by the store's migration to schema version 2.</summary>
    public static void Create(EventStore store)
    {
        store.Execute("""
            CREATE TABLE IF NOT EXISTS identity_links (
                from_id     VARCHAR NOT NULL,
                to_id       VARCHAR NOT NULL,
                kind        VARCHAR NOT NULL,
                ts          TIMESTAMP NOT NULL,
                message_id  VARCHAR NOT NULL)
            """);
        store.Execute("""
            CREATE TABLE IF NOT EXISTS identities (
                id          VARCHAR PRIMARY KEY,
                person_id   VARCHAR NOT NULL)
            """);
        store.Execute("""
            CREATE OR REPLACE VIEW resolved_events AS
            SELECT coalesce(i.person_id, e.customer_id) AS customer_id, e.event, e.ts, e.message_id, e.properties, e.seq, e.import_id
            FROM events e LEFT JOIN identities i ON i.id = e.customer_id
            """);
    }

    /// <summary>Whether any id is merged into another: only then do readers pay for the join.</summary>
    public static bool Any(EventStore store) => store.Scalar<long>("SELECT count(*) FROM (SELECT 1 FROM identities LIMIT 1)") > 0;

    /// <summary>Each merged id's person, or null when the store merges no ids (a load regroups its rows with it).</summary>
    public static Dictionary<string, string>? PersonMap(EventStore store)
    {
        if (!Any(store))
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT id, person_id FROM identities";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            map[reader.GetString(0)] = reader.GetString(1);
        }

        LoadTrace.Mark($"{map.Count} merged ids");
        return map;
    }

    /// <summary>The relation readers select events from: the events themselves, or the resolved view once ids are merged.</summary>
    public static string EventSource(EventStore store) => Any(store) ? "resolved_events" : "events";

    /// <summary>How many links the store holds: it changes exactly when the persons may have (a cached log is then stale).</summary>
    public static long Version(EventStore store) => store.Scalar<long>("SELECT count(*) FROM identity_links");

    /// <summary>
    /// Adds the staged links of temp table tm_links (from_id, to_id, kind, ts, message_id) the store does not have
    /// yet (by message id); returns how many were new.
    /// </summary>
    public static long AddStaged(EventStore store)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = """
            INSERT INTO identity_links
            SELECT s.from_id, s.to_id, s.kind, s.ts, s.message_id FROM tm_links s
            WHERE NOT EXISTS (SELECT 1 FROM identity_links l WHERE l.message_id = s.message_id)
            QUALIFY row_number() OVER (PARTITION BY s.message_id ORDER BY s.rowid) = 1
            """;
        return command.ExecuteNonQuery();
    }

    /// <summary>Recomputes <c>identities</c> from every link (inside the caller's transaction).</summary>
    public static void Rebuild(EventStore store)
    {
        var links = new List<IdentityLink>();
        using (var command = store.Connection.CreateCommand())
        {
            command.CommandText = "SELECT from_id, to_id, kind, ts, message_id FROM identity_links";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                links.Add(new IdentityLink(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2) == "alias" ? IdentityLinkKind.Alias : IdentityLinkKind.Identify,
                    DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
                    reader.GetString(4)));
            }
        }

        var persons = IdentityGraph.Resolve(links);
        store.Execute("DELETE FROM identities");
        using var appender = store.Connection.CreateAppender("identities");
        foreach (var (id, person) in persons)
        {
            appender.CreateRow().AppendValue(id).AppendValue(person).EndRow();
        }
    }

    /// <summary>The person <paramref name="id"/> belongs to (itself when it was never merged).</summary>
    public static string PersonOf(EventStore store, string id) =>
        store.Scalar<string?>("SELECT person_id FROM identities WHERE id = $id", new DuckDBParameter("id", id)) ?? id;

    /// <summary>Every id of <paramref name="person"/>: its own first, then the merged ones in order.</summary>
    public static IReadOnlyList<string> IdsOf(EventStore store, string person)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT id FROM identities WHERE person_id = $person ORDER BY id";
        command.Parameters.Add(new DuckDBParameter("person", person));
        using var reader = command.ExecuteReader();
        var ids = new List<string> { person };
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
