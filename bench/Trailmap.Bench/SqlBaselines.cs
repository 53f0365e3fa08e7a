using DuckDB.NET.Data;

namespace Trailmap.Bench;

/// <summary>
/// The hand-written DuckDB SQL an analyst would write, run on the store's own events table. The funnel is the usual
/// first-entry join chain: step 1 is the customer's first e1, step k the earliest e(k) at or after step k-1 and
/// within 7 days of step 1. It is not windowFunnel's semantics (a later e1 never starts a new chain), so its counts
/// can be lower than Trailmap's exact ones.
/// </summary>
internal static class SqlBaselines
{
    public static readonly string[] Steps = ["e1", "e2", "e3", "e4", "e5"];

    public static string FunnelSql()
    {
        var ctes = new List<string>
        {
            "e AS (SELECT customer_id, event, ts FROM events WHERE event IN ('e1', 'e2', 'e3', 'e4', 'e5'))",
            "s1 AS (SELECT customer_id, min(ts) AS t1 FROM e WHERE event = 'e1' GROUP BY customer_id)",
        };
        for (var k = 2; k <= Steps.Length; k++)
        {
            var previous = string.Join(", ", Enumerable.Range(1, k - 1).Select(x => $"s.t{x}"));
            ctes.Add($"""
                s{k} AS (SELECT s.customer_id, {previous}, min(e.ts) AS t{k}
                    FROM s{k - 1} s LEFT JOIN e ON e.customer_id = s.customer_id AND e.event = 'e{k}'
                        AND e.ts >= s.t{k - 1} AND e.ts <= s.t1 + INTERVAL 7 DAY
                    GROUP BY ALL)
                """);
        }

        var counts = string.Join(", ", Enumerable.Range(1, Steps.Length).Select(k => $"count(t{k})"));
        return $"WITH {string.Join(",\n", ctes)}\nSELECT {counts} FROM s{Steps.Length}";
    }

    /// <summary>
    /// Rolling weekly retention, 8 periods, "on" buckets, start = the first e1 in (ts, seq) order, return = any later
    /// event in that order: the same rules as RetentionEngine, so the counts should match exactly.
    /// </summary>
    public const string RetentionSql = """
        WITH starts AS (
            SELECT customer_id, min(ts) AS s, arg_min(seq, (ts, seq)) AS sseq
            FROM events WHERE event = 'e1' GROUP BY customer_id
        ), returns AS (
            SELECT DISTINCT st.customer_id, (epoch_us(e.ts) - epoch_us(st.s)) // 604800000000 AS k
            FROM events e JOIN starts st ON e.customer_id = st.customer_id
            WHERE (e.ts > st.s OR (e.ts = st.s AND e.seq > st.sseq)) AND e.ts < st.s + INTERVAL 63 DAY
        )
        SELECT k, count(*) FROM returns GROUP BY k
        UNION ALL SELECT -1, count(*) FROM starts
        ORDER BY 1
        """;

    public static long[] Funnel(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = FunnelSql();
        using var reader = command.ExecuteReader();
        reader.Read();
        return [.. Enumerable.Range(0, Steps.Length).Select(reader.GetInt64)];
    }

    /// <summary>Index 0 is the number of starting customers; index k + 1 is those retained in week k (0..8).</summary>
    public static long[] Retention(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = RetentionSql;
        using var reader = command.ExecuteReader();
        var result = new long[10];
        while (reader.Read())
        {
            result[reader.GetInt64(0) + 1] = reader.GetInt64(1);
        }

        return result;
    }
}
