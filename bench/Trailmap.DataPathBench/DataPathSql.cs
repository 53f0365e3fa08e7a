using System.Globalization;
using DuckDB.NET.Data;

namespace Trailmap.DataPathBench;

/// <summary>
/// The SQL anchors, run on the events table of the very store `trailmap import` wrote (opened read-only). The funnel is
/// e1 -> e2 -> e3 -> e4 -> e5 with a 7-day window, the retention start e1, return any event, rolling weeks 0..8.
/// </summary>
internal static class DataPathSql
{
    /// <summary>
    /// What an analyst writes: the customer's first e1 opens the window and step k is the earliest e(k) at or after
    /// step k-1 and at most 7 days after step 1. A later e1 never starts a new chain, so it can count fewer.
    /// </summary>
    public const string FunnelFirstVisit = """
        WITH e AS (SELECT customer_id, event, ts FROM events WHERE event IN ('e1', 'e2', 'e3', 'e4', 'e5')),
        s1 AS (SELECT customer_id, min(ts) AS t1 FROM e WHERE event = 'e1' GROUP BY customer_id),
        s2 AS (SELECT s.customer_id, s.t1, min(e.ts) AS t2 FROM s1 s LEFT JOIN e ON e.customer_id = s.customer_id
            AND e.event = 'e2' AND e.ts >= s.t1 AND e.ts <= s.t1 + INTERVAL 7 DAY GROUP BY ALL),
        s3 AS (SELECT s.customer_id, s.t1, s.t2, min(e.ts) AS t3 FROM s2 s LEFT JOIN e ON e.customer_id = s.customer_id
            AND e.event = 'e3' AND e.ts >= s.t2 AND e.ts <= s.t1 + INTERVAL 7 DAY GROUP BY ALL),
        s4 AS (SELECT s.customer_id, s.t1, s.t2, s.t3, min(e.ts) AS t4 FROM s3 s LEFT JOIN e ON e.customer_id = s.customer_id
            AND e.event = 'e4' AND e.ts >= s.t3 AND e.ts <= s.t1 + INTERVAL 7 DAY GROUP BY ALL),
        s5 AS (SELECT s.customer_id, s.t1, s.t2, s.t3, s.t4, min(e.ts) AS t5 FROM s4 s LEFT JOIN e ON e.customer_id = s.customer_id
            AND e.event = 'e5' AND e.ts >= s.t4 AND e.ts <= s.t1 + INTERVAL 7 DAY GROUP BY ALL)
        SELECT count(t1), count(t2), count(t3), count(t4), count(t5) FROM s5
        """;

    /// <summary>
    /// windowFunnel's semantics (docs/analytics-semantics.md, default mode): every e1 starts a chain at its time s;
    /// with distinct step names the furthest a chain gets is the greedy one, step k being the earliest e(k) at or after
    /// step k-1 (same second included: step pairs at one instant are read in step order) and at most s + 7 days. A
    /// customer reaches step k when any chain does. ASOF joins find each "earliest at or after"; a chain that stopped
    /// (NULL) must stay stopped, as an ASOF probe with a NULL time still finds a row.
    /// </summary>
    public const string FunnelExact = """
        WITH e AS (SELECT customer_id, event, ts FROM events WHERE event IN ('e1', 'e2', 'e3', 'e4', 'e5')),
        x2 AS (SELECT customer_id, ts FROM e WHERE event = 'e2'),
        x3 AS (SELECT customer_id, ts FROM e WHERE event = 'e3'),
        x4 AS (SELECT customer_id, ts FROM e WHERE event = 'e4'),
        x5 AS (SELECT customer_id, ts FROM e WHERE event = 'e5'),
        c1 AS (SELECT customer_id, ts AS t1, ts + INTERVAL 7 DAY AS until FROM e WHERE event = 'e1'),
        c2 AS (SELECT c.*, CASE WHEN x.ts <= c.until THEN x.ts END AS t2
            FROM c1 c ASOF LEFT JOIN x2 x ON x.customer_id = c.customer_id AND x.ts >= c.t1),
        c3 AS (SELECT c.*, CASE WHEN c.t2 IS NOT NULL AND x.ts <= c.until THEN x.ts END AS t3
            FROM c2 c ASOF LEFT JOIN x3 x ON x.customer_id = c.customer_id AND x.ts >= c.t2),
        c4 AS (SELECT c.*, CASE WHEN c.t3 IS NOT NULL AND x.ts <= c.until THEN x.ts END AS t4
            FROM c3 c ASOF LEFT JOIN x4 x ON x.customer_id = c.customer_id AND x.ts >= c.t3),
        c5 AS (SELECT c.*, CASE WHEN c.t4 IS NOT NULL AND x.ts <= c.until THEN x.ts END AS t5
            FROM c4 c ASOF LEFT JOIN x5 x ON x.customer_id = c.customer_id AND x.ts >= c.t4),
        levels AS (SELECT customer_id, max(1 + (t2 IS NOT NULL)::INT + (t3 IS NOT NULL)::INT
            + (t4 IS NOT NULL)::INT + (t5 IS NOT NULL)::INT) AS level FROM c5 GROUP BY customer_id)
        SELECT count(*), count(*) FILTER (level >= 2), count(*) FILTER (level >= 3),
            count(*) FILTER (level >= 4), count(*) FILTER (level >= 5) FROM levels
        """;

    /// <summary>
    /// Rolling weekly retention, "on" buckets: the start is each customer's first e1 in (ts, seq) order, a return any
    /// later event in that order, in week k = (return - start) // 7 days for k in 0..8. Row -1 is the number of starts.
    /// </summary>
    public const string Retention = """
        WITH starts AS (
            SELECT customer_id, min(ts) AS s, arg_min(seq, (ts, seq)) AS sseq
            FROM events WHERE event = 'e1' GROUP BY customer_id
        ), returns AS (
            SELECT DISTINCT st.customer_id, (epoch_us(e.ts) - epoch_us(st.s)) // 604800000000 AS k
            FROM events e JOIN starts st ON e.customer_id = st.customer_id
            WHERE (e.ts > st.s OR (e.ts = st.s AND e.seq > st.sseq)) AND e.ts < st.s + INTERVAL 63 DAY
        ), counts AS (
            SELECT k, count(*) AS n FROM returns GROUP BY k
            UNION ALL SELECT -1, count(*) FROM starts
        )
        SELECT string_agg(CAST(coalesce(n, 0) AS VARCHAR), ' ' ORDER BY k)
        FROM range(-1, 9) r(k) LEFT JOIN counts USING (k)
        """;

    /// <summary>Runs one query on the store, read-only, and prints its one row as space-separated numbers.</summary>
    public static int Print(string store, string sql)
    {
        using var connection = new DuckDBConnection("DataSource=" + store + ";ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SET TimeZone = 'UTC'";
        command.ExecuteNonQuery();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        reader.Read();
        var cells = Enumerable.Range(0, reader.FieldCount)
            .Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
        Console.WriteLine(string.Join(' ', cells));
        return 0;
    }

    /// <summary>
    /// The import anchor: DuckDB's own load of the CSV into a new database file, <c>CREATE TABLE AS SELECT * FROM
    /// read_csv(...)</c> with its type detection, closed (checkpointed) before the process exits. Prints the row count.
    /// </summary>
    public static int LoadCsv(string csv, string database)
    {
        using (var connection = new DuckDBConnection("DataSource=" + database))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE events AS SELECT * FROM read_csv($file)";
            command.Parameters.Add(new DuckDBParameter("file", csv));
            command.ExecuteNonQuery();
            command.Parameters.Clear();
            command.CommandText = "SELECT count(*) FROM events";
            Console.WriteLine(Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture));
        }

        return 0;
    }
}
