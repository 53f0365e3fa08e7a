using DuckDB.NET.Data;

namespace Trailmap.DataPathBench;

/// <summary>
/// Events that Trailmap did not generate: DuckDB's <c>range()</c> and <c>hash()</c>, so every machine with the same
/// DuckDB gets the same file. Row i belongs to customer hash(i) % customers; each customer is active for 14 days
/// starting on a day of its own within 90 days from 2025-01-01, and every row takes one of 6 event names (e1..e5
/// with falling frequency, and x6 that no funnel step names) and a whole-second time in the customer's 14 days.
/// Rows stay in range order (time and customers interleaved, as an export would be), and each has a message id so
/// the import keeps every row, including same-second repeats.
/// </summary>
internal static class Generator
{
    public static int Write(string directory, long events, long customers)
    {
        Directory.CreateDirectory(directory);
        var csv = Path.Combine(directory, "events.csv");
        var partial = csv + ".partial";
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        // The numbers are the script's own options, parsed as longs: nothing here comes from untrusted text.
        command.CommandText = $"""
            COPY (
                WITH r AS (SELECT i, hash(i, 1) % {customers} AS c, hash(i, 2) % 100 AS pick FROM range({events}) t(i))
                SELECT
                    'u' || CAST(c AS VARCHAR) AS customer_id,
                    CASE WHEN pick < 22 THEN 'e1' WHEN pick < 42 THEN 'e2' WHEN pick < 60 THEN 'e3'
                         WHEN pick < 75 THEN 'e4' WHEN pick < 85 THEN 'e5' ELSE 'x6' END AS event,
                    strftime(make_timestamp((1735689600
                        + CAST(hash(c, 3) % (76 * 86400) AS BIGINT)
                        + CAST(hash(i, 4) % (14 * 86400) AS BIGINT)) * 1000000), '%Y-%m-%dT%H:%M:%SZ') AS timestamp,
                    'm' || CAST(i AS VARCHAR) AS message_id
                FROM r ORDER BY i
            ) TO '{partial.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT CSV, HEADER true)
            """;
        command.ExecuteNonQuery();
        File.Move(partial, csv, overwrite: true);
        Console.WriteLine(csv);
        return 0;
    }
}
