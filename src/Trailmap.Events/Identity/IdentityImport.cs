namespace Trailmap.Events;

/// <summary>
/// Stores the identity links of one imported file: their timestamps are parsed by the same SQL as events' (a link
/// without a usable one is rejected at its line, never given a default), and a link whose message id the store
/// already has is skipped, so re-importing a file or a spool segment changes nothing.
/// </summary>
internal static class IdentityImport
{
    /// <summary>Adds <paramref name="links"/> inside the import's transaction; returns how many were new, and the rejected lines.</summary>
    public static (long Added, List<(long Line, string Reason)> Rejects) Add(EventStore store, IReadOnlyList<JsonLink> links)
    {
        var rejects = new List<(long, string)>();
        if (links.Count == 0)
        {
            return (0, rejects);
        }

        store.Execute("CREATE OR REPLACE TEMP TABLE tm_links_stage (line BIGINT, from_id VARCHAR, to_id VARCHAR, kind VARCHAR, ts_raw VARCHAR, message_id VARCHAR)");
        using (var appender = store.Connection.CreateAppender("tm_links_stage"))
        {
            foreach (var l in links)
            {
                appender.CreateRow().AppendValue(l.Line).AppendValue(l.From).AppendValue(l.To).AppendValue(l.Kind)
                    .AppendValue(l.Timestamp).AppendValue(l.MessageId).EndRow();
            }
        }

        // The id of a link without a messageId is a hash of its content, as for events: the same message twice is one link.
        store.Execute($"""
            CREATE OR REPLACE TEMP TABLE tm_links_typed AS
            SELECT line, from_id, to_id, kind, ts_raw, ts,
                CASE WHEN message_id IS NOT NULL AND message_id <> '' THEN message_id
                    ELSE 'h:' || md5(concat_ws(chr(31), kind, from_id, to_id, CAST(ts AS VARCHAR))) END AS message_id
            FROM (SELECT s.*, {EventSql.Timestamp("s.ts_raw")} AS ts FROM tm_links_stage s)
            """);
        using (var command = store.Connection.CreateCommand())
        {
            command.CommandText = $"""
                SELECT line, kind, ts_raw FROM tm_links_typed
                WHERE ts IS NULL OR ts < {EventTimeRange.SqlMin} OR ts >= {EventTimeRange.SqlEnd} ORDER BY rowid
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var raw = reader.IsDBNull(2) ? null : reader.GetString(2);
                rejects.Add((reader.GetInt64(0), string.IsNullOrWhiteSpace(raw)
                    ? $"{reader.GetString(1)} without a timestamp: the ids are not merged; give the message a timestamp"
                    : $"{reader.GetString(1)} with an unusable timestamp \"{raw[..Math.Min(raw.Length, 100)]}\": the ids are not merged; correct the timestamp"));
            }
        }

        store.Execute($"""
            CREATE OR REPLACE TEMP TABLE tm_links AS
            SELECT from_id, to_id, kind, ts, message_id FROM tm_links_typed
            WHERE ts IS NOT NULL AND ts >= {EventTimeRange.SqlMin} AND ts < {EventTimeRange.SqlEnd} ORDER BY rowid
            """);
        var added = Identities.AddStaged(store);
        store.Execute("DROP TABLE tm_links");
        store.Execute("DROP TABLE tm_links_typed");
        store.Execute("DROP TABLE tm_links_stage");
        return (added, rejects);
    }
}
