using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>A membership read from a Segment <c>group</c> message, before its timestamp is parsed.</summary>
internal readonly record struct JsonMembership(string GroupId, string Member, string? Timestamp);

/// <summary>Stores the accounts an import names: Segment <c>group</c> messages, and the <c>--group</c> column of any format.</summary>
internal static class GroupImport
{
    /// <summary>Adds the memberships and account traits of <c>group</c> messages (inside the import's transaction).</summary>
    public static void AddMessages(EventStore store, IReadOnlyList<JsonMembership> memberships, IReadOnlyDictionary<string, string> traits, DateTime now)
    {
        if (memberships.Count > 0)
        {
            store.Execute("CREATE OR REPLACE TEMP TABLE tm_members_stage (group_id VARCHAR, member_id VARCHAR, ts_raw VARCHAR)");
            using (var appender = store.Connection.CreateAppender("tm_members_stage"))
            {
                foreach (var m in memberships)
                {
                    appender.CreateRow().AppendValue(m.GroupId).AppendValue(m.Member).AppendValue(m.Timestamp).EndRow();
                }
            }

            store.Execute($"CREATE OR REPLACE TEMP TABLE tm_members AS SELECT group_id, member_id, {EventSql.Timestamp("ts_raw")} AS first_seen FROM tm_members_stage");
            Groups.AddStaged(store);
            store.Execute("DROP TABLE tm_members");
            store.Execute("DROP TABLE tm_members_stage");
        }

        if (traits.Count > 0)
        {
            store.Execute("CREATE OR REPLACE TEMP TABLE tm_group_traits (group_id VARCHAR, traits VARCHAR)");
            using (var appender = store.Connection.CreateAppender("tm_group_traits"))
            {
                foreach (var (group, json) in traits)
                {
                    appender.CreateRow().AppendValue(group).AppendValue(json).EndRow();
                }
            }

            store.Execute("""
                INSERT INTO groups
                SELECT group_id, CAST(traits AS JSON), $now FROM tm_group_traits
                QUALIFY row_number() OVER (PARTITION BY group_id ORDER BY rowid DESC) = 1
                ON CONFLICT (group_id) DO UPDATE
                    SET traits = json_merge_patch(groups.traits, excluded.traits), updated_at = excluded.updated_at
                """, new DuckDBParameter("now", now));
            store.Execute("DROP TABLE tm_group_traits");
        }
    }

    /// <summary>
    /// Adds a membership for every valid staged row (temp table tm_rows, alias r) whose <paramref name="column"/> has
    /// a value: the customer is a member of the account it names, first seen at the row's time. The column stays a
    /// property of the event too.
    /// </summary>
    public static void AddColumn(EventStore store, string column)
    {
        // A JSON pointer names the key exactly, whatever characters it holds (~ and / are escaped as RFC 6901 says).
        var pointer = "/" + column.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
        store.Execute(
            $"CREATE OR REPLACE TEMP TABLE tm_members AS SELECT r.properties ->> $pointer AS group_id, r.customer_id AS member_id, r.ts AS first_seen FROM tm_rows r WHERE {EventSql.Valid}",
            new DuckDBParameter("pointer", pointer));
        Groups.AddStaged(store);
        store.Execute("DROP TABLE tm_members");
    }
}
