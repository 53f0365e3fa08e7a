using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// Accounts in a DuckDB store: <c>group_members</c> holds each (account, member) pair once, with the time it was
/// first seen; <c>groups</c> holds each account's traits (from Segment <c>group</c> calls, merged like identify's).
/// Members are resolved to their persons when read, so an anonymous visitor's group joins the person's account.
/// </summary>
internal static class Groups
{
    /// <summary>The tables, created by the store's migration to schema version 2.</summary>
    public static void Create(EventStore store)
    {
        store.Execute("""
            CREATE TABLE IF NOT EXISTS group_members (
                group_id    VARCHAR NOT NULL,
                member_id   VARCHAR NOT NULL,
                first_seen  TIMESTAMP,
                PRIMARY KEY (group_id, member_id))
            """);
        store.Execute("""
            CREATE TABLE IF NOT EXISTS groups (
                group_id    VARCHAR PRIMARY KEY,
                traits      JSON,
                updated_at  TIMESTAMP NOT NULL)
            """);
    }

    /// <summary>Each account with each of its members' persons, once: what account loads join events with.</summary>
    private const string Memberships =
        "SELECT DISTINCT gm.group_id, coalesce(i.person_id, gm.member_id) AS person FROM group_members gm LEFT JOIN identities i ON i.id = gm.member_id";

    /// <summary>
    /// The relation a load of <paramref name="unit"/> reads: persons' events, or for accounts every event of every
    /// member under the account's id (an event of a member of two accounts counts for both).
    /// </summary>
    public static string EventSource(EventStore store, AnalysisUnit unit) => unit == AnalysisUnit.Accounts
        ? "(SELECT m.group_id AS customer_id, e.event, e.ts, e.message_id, e.properties, e.seq, e.import_id FROM resolved_events e JOIN ("
            + Memberships + ") m ON m.person = e.customer_id) AS account_events"
        : Identities.EventSource(store);

    /// <summary>Whether rows of <paramref name="unit"/> must be sorted to come in (customer, time) order: the table's own order does not hold.</summary>
    public static bool NeedsSort(EventStore store, AnalysisUnit unit) => unit == AnalysisUnit.Accounts || Identities.Any(store);

    /// <summary>The persons who are members of <paramref name="account"/>, in id order.</summary>
    public static IReadOnlyList<string> MembersOf(EventStore store, string account)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT person FROM (" + Memberships + ") WHERE group_id = $g ORDER BY person";
        command.Parameters.Add(new DuckDBParameter("g", account));
        using var reader = command.ExecuteReader();
        var members = new List<string>();
        while (reader.Read())
        {
            members.Add(reader.GetString(0));
        }

        return members;
    }

    /// <summary>The events of every member of <paramref name="account"/> in (ts, seq) order, each with the id it was sent with, at most <paramref name="limit"/>.</summary>
    public static IReadOnlyList<EventRow> ReadAccount(EventStore store, string account, int limit)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText =
            "SELECT e.customer_id, e.event, e.ts, e.message_id, CAST(e.properties AS VARCHAR), e.seq FROM events e LEFT JOIN identities i ON i.id = e.customer_id"
            + " WHERE coalesce(i.person_id, e.customer_id) IN (SELECT person FROM (" + Memberships + ") WHERE group_id = $g)"
            + " ORDER BY e.ts, e.seq LIMIT $limit";
        command.Parameters.Add(new DuckDBParameter("g", account));
        command.Parameters.Add(new DuckDBParameter("limit", (long)Math.Max(0, limit)));
        using var reader = command.ExecuteReader();
        var rows = new List<EventRow>();
        while (reader.Read())
        {
            rows.Add(new EventRow(
                reader.GetString(0),
                reader.GetString(1),
                DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
                reader.GetString(3),
                reader.IsDBNull(4) ? "{}" : reader.GetString(4),
                reader.GetInt64(5)));
        }

        return rows;
    }

    /// <summary>Every account's traits (or those updated at or after <paramref name="since"/>), by account id.</summary>
    public static List<CustomerTraits> Traits(EventStore store, DateTimeOffset? since)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT group_id, CAST(traits AS VARCHAR), updated_at FROM groups"
            + (since is null ? "" : " WHERE updated_at >= $since") + " ORDER BY group_id";
        if (since is { } s)
        {
            command.Parameters.Add(new DuckDBParameter("since", s.UtcDateTime));
        }

        return PersonTraits.Merge(command);
    }

    /// <summary>Adds the staged pairs of temp table tm_members (group_id, member_id, first_seen: null when the message had no time); pairs already known keep their first time.</summary>
    public static long AddStaged(EventStore store)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = """
            INSERT INTO group_members
            SELECT group_id, member_id, min(first_seen) FROM tm_members
            WHERE group_id IS NOT NULL AND group_id <> '' AND member_id IS NOT NULL AND member_id <> ''
            GROUP BY group_id, member_id
            ON CONFLICT (group_id, member_id) DO UPDATE SET first_seen = least(group_members.first_seen, excluded.first_seen)
            """;
        return command.ExecuteNonQuery();
    }
}
