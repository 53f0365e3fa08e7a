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
    /// The common shapes without an offset (or with UTC/Z) take a fast path first: DuckDB's plain TIMESTAMP cast,
    /// about 20x cheaper than the TIMESTAMPTZ cast. It is only safe for them: the plain cast drops an offset
    /// like +02:00 instead of applying it, so everything else still goes the slow way. The microsecond UTC shape
    /// is the one the ingestion spool writes. It is tested before the empty check, which no value it matches can
    /// meet: the trim of that check cost more than the fast path's cast (10M rows: 1.9 s of CPU before, 0.8 s after).
    /// </summary>
    public static string Timestamp(string v) => """
        (CASE
            WHEN @v LIKE '____-__-__ __:__:__ UTC' OR @v LIKE '____-__-__ __:__:__' OR @v LIKE '____-__-__T__:__:__'
                OR @v LIKE '____-__-__T__:__:__Z' OR @v LIKE '____-__-__T__:__:__.______Z' OR @v LIKE '____-__-__'
                THEN try_cast(@v AS TIMESTAMP)
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
    /// A JSON object without its null-valued keys: an empty CSV cell says nothing about the event, so it stores no
    /// property. A JSON merge patch (RFC 7396) onto an empty object drops exactly the keys whose value is null.
    /// </summary>
    public static string WithoutNulls(string jsonObject) => "json_merge_patch('{}', " + jsonObject + ")";

    /// <summary>
    /// A row of tm_rows (alias r) that can be imported; <see cref="Reason"/> says why another cannot. The time must
    /// lie in <see cref="EventTimeRange"/> (the bounds are constants, not user values).
    /// </summary>
    public static readonly string Valid =
        $"(coalesce(trim(r.customer_id), '') <> '' AND coalesce(trim(r.event), '') <> '' AND r.ts IS NOT NULL AND r.ts >= {EventTimeRange.SqlMin} AND r.ts < {EventTimeRange.SqlEnd})";

    /// <summary>Why a row of tm_rows (alias r) is rejected; only evaluated for the few rows that are not valid.</summary>
    public static readonly string Reason = $"""
        CASE
            WHEN r.customer_id IS NULL OR trim(r.customer_id) = '' THEN 'missing customer id'
            WHEN r.event IS NULL OR trim(r.event) = '' THEN 'missing event name'
            WHEN r.ts_raw IS NULL OR trim(r.ts_raw) = '' THEN 'missing timestamp'
            WHEN r.ts IS NULL THEN 'unparsable timestamp "' || left(r.ts_raw, 100) || '"'
            ELSE 'timestamp "' || left(r.ts_raw, 100) || '" is outside the accepted range, {EventTimeRange.Description}; correct or drop the row'
        END
        """;

    /// <summary>
    /// Creates temp table tm_rows (line, customer_id, event, ts_raw, ts, message_id, properties, mid) from a source
    /// query with columns (line, customer_id, event, ts_raw, message_id, properties JSON), in source order: with
    /// preserve_insertion_order on, rowids are consecutive in file order, so rowid - min(rowid) + 1 is the record's
    /// index (rn) without a row_number() window, which would make DuckDB buffer the whole file in one partition.
    /// (Inside the import's transaction the rowids start at a large transaction-local base, hence the min.)
    /// mid is the message id or "h:" + md5 of the
    /// content (the same formula since the first release, so re-importing an old file still dedupes); a CASE, not
    /// coalesce, so the md5 is only computed for rows without an id (the spool's rows all have one).
    /// </summary>
    public static string TypedRows(string source) => $"""
        CREATE OR REPLACE TEMP TABLE tm_rows AS
        SELECT line, customer_id, event, ts_raw, ts, message_id, properties,
            CASE WHEN message_id IS NOT NULL AND message_id <> '' THEN message_id
                ELSE 'h:' || md5(concat_ws(chr(31), customer_id, event, CAST(ts AS VARCHAR), coalesce(CAST(properties AS VARCHAR), ''))) END AS mid
        FROM (SELECT s.*, {Timestamp("s.ts_raw")} AS ts FROM ({source}) s)
        """;

    /// <summary>
    /// Message ids that occur more than once among the valid rows, with the first occurrence (which wins), among the
    /// rows whose id hash is in tm_repeated (the hashes that repeat, found in .NET from the rows' hashes: see
    /// <see cref="RepeatedHashes"/>). Grouping every 34-character id by its text, or even every hash in SQL, took
    /// most of an import's dedupe time. DuckDB's hash() is not stable across versions, but both sides of the
    /// comparison are computed by this process in this statement's lifetime, so that is safe here.
    /// </summary>
    public static readonly string Duplicates = $"""
        CREATE OR REPLACE TEMP TABLE tm_dups AS
        SELECT r.mid, min(r.rowid) AS first_row FROM tm_rows r
        WHERE {Valid} AND hash(r.mid) IN (SELECT h FROM tm_repeated)
        GROUP BY r.mid HAVING count(*) > 1
        """;

    /// <summary>
    /// The staged message ids the store already has. An inner join, so DuckDB builds its hash table on the small
    /// side (this import's rows) and streams the store's message_id column past it; a NOT EXISTS against the
    /// store could build the table on the whole store for every import, which is what made the pump's imports
    /// grow with the store.
    /// </summary>
    public const string Known = """
        CREATE OR REPLACE TEMP TABLE tm_known AS
        SELECT DISTINCT r.mid FROM tm_rows r JOIN events e ON e.message_id = r.mid
        """;

    /// <summary>
    /// Inserts the valid rows of tm_rows that are new, in arrival order. The within-file dedupe (against tm_dups) and
    /// the anti-join against the store are only added when they can remove something: a file without repeated ids
    /// into an empty store needs neither.
    /// </summary>
    /// <remarks>
    /// No ORDER BY: the customer-ordered layout that loads read is the event snapshot, built from integer keys in
    /// .NET; sorting 10M rows with their properties here took half of an import's time and most of its memory, and
    /// no reader depends on the table's physical order (every ordered read says ORDER BY).
    /// </remarks>
    public static string InsertNew(bool fileHasDuplicates, bool storeHasEvents) => $"""
        INSERT INTO events
        SELECT r.customer_id, r.event, r.ts, r.mid, r.properties, $seq_base + (r.rowid - $row_base) + 1, $import_id
        FROM tm_rows r
        WHERE {Valid}
        {(fileHasDuplicates ? "AND NOT EXISTS (SELECT 1 FROM tm_dups d WHERE d.mid = r.mid AND d.first_row <> r.rowid)" : "")}
        {(storeHasEvents ? "AND NOT EXISTS (SELECT 1 FROM tm_known k WHERE k.mid = r.mid)" : "")}
        """;

    /// <summary>
    /// The events table. The compression of its text columns is fixed rather than chosen per segment: DuckDB otherwise
    /// tries every method on every segment it writes, which took 40% of an import's insert (10M rows: 10 s of CPU,
    /// 6 s with the choice fixed). The fixed choices are what it picks on real data anyway: FSST for the ids (mostly
    /// distinct within a segment), a dictionary for the few event names. Stores created earlier keep the per-segment
    /// choice; they read and write the same.
    /// </summary>
    public const string EventsTable = """
        (
            customer_id VARCHAR NOT NULL USING COMPRESSION fsst,
            event       VARCHAR NOT NULL USING COMPRESSION dictionary,
            ts          TIMESTAMP NOT NULL,
            message_id  VARCHAR NOT NULL USING COMPRESSION fsst,
            properties  JSON,
            seq         BIGINT NOT NULL,
            import_id   BIGINT NOT NULL)
        """;
}
