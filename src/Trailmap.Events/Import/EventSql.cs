namespace Trailmap.Events;

/// <summary>The set-based SQL that turns raw text columns into typed event rows, shared by every format.</summary>
internal static class EventSql
{
    /// <summary>
    /// A VARCHAR expression as a UTC TIMESTAMP, or NULL when it parses to nothing (the row is then rejected).
    /// Rules: an 8-digit 19xxxxxx/20xxxxxx integer is a compact date (YYYYMMDD); other numbers are Unix epoch
    /// seconds when |n| &lt; 1e11 and milliseconds when 1e11 &lt;= |n| &lt; 1e14 (1e11 s is the year 5138, 1e11 ms is
    /// March 1973, so real data never sits on the wrong side); anything larger is rejected. Text goes through
    /// DuckDB's TIMESTAMPTZ cast in a UTC session: ISO 8601 with or without zone (none means UTC),
    /// "YYYY-MM-DD HH:MM:SS UTC", date-only; fractions beyond microseconds are truncated.
    /// </summary>
    public static string Timestamp(string v) => """
        (CASE
            WHEN @v IS NULL OR trim(@v) = '' THEN NULL
            WHEN regexp_full_match(trim(@v), '(19|20)[0-9]{6}') THEN try_strptime(trim(@v), '%Y%m%d')
            WHEN regexp_full_match(trim(@v), '-?[0-9]{1,18}(\.[0-9]+)?') THEN
                CASE
                    WHEN abs(CAST(trim(@v) AS DOUBLE)) < 1e11
                        THEN make_timestamp(CAST(CAST(trim(@v) AS DECIMAL(38, 6)) * 1000000 AS BIGINT))
                    WHEN abs(CAST(trim(@v) AS DOUBLE)) < 1e14
                        THEN make_timestamp(CAST(CAST(trim(@v) AS DECIMAL(38, 3)) * 1000 AS BIGINT))
                    ELSE NULL
                END
            ELSE CAST(try_cast(regexp_replace(trim(@v), '^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2})([^:0-9]|$)', '\1:00\2') AS TIMESTAMPTZ) AS TIMESTAMP)
        END)
        """.Replace("@v", v, StringComparison.Ordinal);

    /// <summary>
    /// A text cell as a JSON value: plain decimal numbers (no leading zeros, at most 15 integer digits so a
    /// double holds them exactly) become JSON numbers; everything else, ids like "00042" included, stays a string.
    /// </summary>
    public static string JsonValue(string v) =>
        """(CASE WHEN @v IS NULL THEN NULL WHEN regexp_full_match(@v, '-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?') THEN CAST(@v AS JSON) ELSE to_json(@v) END)""".Replace("@v", v, StringComparison.Ordinal);

    /// <summary>
    /// Creates temp table tm_rows (rn, customer_id, event, ts_raw, ts, message_id, properties, reason) from a
    /// source query with columns (rn, customer_id, event, ts_raw, message_id, properties JSON).
    /// </summary>
    public static string TypedRows(string source) => $"""
        CREATE OR REPLACE TEMP TABLE tm_rows AS
        SELECT rn, line, customer_id, event, ts_raw, ts, message_id, properties,
            CASE
                WHEN customer_id IS NULL OR trim(customer_id) = '' THEN 'missing customer id'
                WHEN event IS NULL OR trim(event) = '' THEN 'missing event name'
                WHEN ts_raw IS NULL OR trim(ts_raw) = '' THEN 'missing timestamp'
                WHEN ts IS NULL THEN 'unparsable timestamp "' || left(ts_raw, 100) || '"'
            END AS reason
        FROM (SELECT s.*, {Timestamp("s.ts_raw")} AS ts FROM ({source}) s)
        """;

    /// <summary>
    /// Inserts the valid rows of tm_rows that are new: one per message id within the file (the first wins) and
    /// none whose message id the store already holds. Rows without an id get "h:" + md5 of their content.
    /// </summary>
    public const string InsertNew = """
        INSERT INTO events
        SELECT customer_id, event, ts, mid, properties, $seq_base + rn, $import_id
        FROM (
            SELECT *, coalesce(nullif(message_id, ''),
                'h:' || md5(concat_ws(chr(31), customer_id, event, CAST(ts AS VARCHAR), coalesce(CAST(properties AS VARCHAR), '')))) AS mid
            FROM tm_rows WHERE reason IS NULL
        ) r
        WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.message_id = r.mid)
        QUALIFY row_number() OVER (PARTITION BY mid ORDER BY rn) = 1
        ORDER BY customer_id, ts, rn
        """;

    public const string EventsTable = """
        (
            customer_id VARCHAR NOT NULL,
            event       VARCHAR NOT NULL,
            ts          TIMESTAMP NOT NULL,
            message_id  VARCHAR NOT NULL,
            properties  JSON,
            seq         BIGINT NOT NULL,
            import_id   BIGINT NOT NULL)
        """;
}
