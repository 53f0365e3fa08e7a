using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Trailmap.Oracle.Tests.Oracle;

/// <summary>
/// Trailmap's analytics computed a second, independent way: hand-written SQL over the <c>events</c> table of a
/// <see cref="PostgresFixture"/>, written from docs/SEMANTICS.md only (never from Trailmap's C#), so that a test can
/// demand the engine and the oracle agree. Every user value (event names, filters, windows) is a query parameter.
/// </summary>
public sealed class PostgresOracle(PostgresFixture database)
{
    // ----------------------------------------------------------------------------------------------------------------
    // Funnels, default mode: ClickHouse windowFunnel.
    //
    // Each event yields one "item" per step it satisfies, processed in (ts, step index, seq) order, so an event that
    // satisfies steps k and k+1 can fill both (that is what strict-once exists to forbid), and at one timestamp a
    // step-k event always precedes a step-(k+1) event whatever their arrival order. A chain starts at a step-1 item
    // and takes step k+1 at any later item with ts <= start + window (inclusive). A customer's level is the longest
    // chain over all starts: ClickHouse's running state keeps, per step, the latest start that reached it, which
    // reaches exactly the levels some single start can reach, and "levels already reached are kept" = the maximum.
    //
    // Because step k+1 sorts after step k at equal timestamps, "a later item" for step k+1 is just ts' >= ts_k. Walking
    // greedily to the EARLIEST such event is optimal: the window bound depends only on the start, and the only thing
    // the choice at step k+1 passes on is its timestamp, the lower bound for step k+2; an earlier timestamp leaves a
    // superset of candidates for every later step (exchange argument). So the recursive CTE follows one path per start.
    // ----------------------------------------------------------------------------------------------------------------
    private const string StepsSql =
        """
        steps AS (
            SELECT s.k::int AS k, s.event, s.filter
            FROM unnest(@step_events::text[], @step_filters::jsonb[]) WITH ORDINALITY AS s(event, filter, k)
        )
        """;

    // An event satisfies a step when the names are equal and every filter property's text equals the event's.
    private const string MatchSql =
        "e.event = st.event AND NOT EXISTS (SELECT 1 FROM jsonb_each_text(st.filter) f "
        + "WHERE (e.props ->> f.key) IS DISTINCT FROM f.value)";

    // Re-entry `first` (Mixpanel; docs/analytics-semantics.md pins the detail SEMANTICS leaves open): the customer's
    // first step-1 event opens a window, and step-1 events inside it (ts <= opening + window) start no chain; the
    // first step-1 event after it opens the next window, and so on. Step-1 events at a window's opening instant share
    // it (they start the same chain). `latest`: every step-1 event starts a chain. Needs a CTE `starts(customer_id, ts)`.
    private const string FirstWindowsSql =
        """
        first_windows (customer_id, opened) AS (
            SELECT customer_id, min(ts) FROM starts WHERE @first_only GROUP BY customer_id
            UNION ALL
            SELECT w.customer_id, nxt.opened
            FROM first_windows w
            CROSS JOIN LATERAL (SELECT min(o.ts) AS opened FROM starts o
                                WHERE o.customer_id = w.customer_id AND o.ts > w.opened + @window) nxt
            WHERE nxt.opened IS NOT NULL
        ),
        chosen_starts AS (
            SELECT s.* FROM starts s
            WHERE NOT @first_only
               OR EXISTS (SELECT 1 FROM first_windows w WHERE w.customer_id = s.customer_id AND w.opened = s.ts)
        )
        """;

    private static readonly string DefaultFunnelSql =
        $"""
        WITH RECURSIVE
        {StepsSql},
        starts AS (
            SELECT e.customer_id, e.ts, e.seq
            FROM events e JOIN steps st ON st.k = 1 AND {MatchSql}
        ),
        {FirstWindowsSql},
        chain (customer_id, start_ts, k, ts) AS (
            SELECT customer_id, ts, 1, ts FROM chosen_starts
            UNION ALL
            SELECT c.customer_id, c.start_ts, c.k + 1, nxt.ts
            FROM chain c
            JOIN steps st ON st.k = c.k + 1
            CROSS JOIN LATERAL (
                SELECT e.ts FROM events e
                WHERE e.customer_id = c.customer_id AND {MatchSql}
                  AND e.ts >= c.ts AND e.ts <= c.start_ts + @window
                ORDER BY e.ts
                LIMIT 1
            ) nxt
        )
        SELECT customer_id, max(k) FROM chain GROUP BY customer_id
        """;

    // ----------------------------------------------------------------------------------------------------------------
    // Funnels, strict-order: ClickHouse windowFunnel 'strict_order', which SEMANTICS names as the reference.
    //
    // Each event yields one pair per step it satisfies, and an event that satisfies no step yields one pair of step 0;
    // a customer's pairs are read in (ts, step, seq) order and numbered `pos` (so an unmatched event sorts first at its
    // timestamp, as ClickHouse files it as step 0). Pairs before the first step-1 pair are ignored. After it, the scan
    // ENDS at the first interruption: a step-0 pair, or a pair of step k >= 2 when no chain has reached step k - 1 by
    // then. Step-1 pairs are never interruptions; they start newer chains. The customer keeps the highest level any
    // chain reached before the scan ended; a chain advances exactly as in default mode (step k+1 at a later pair with
    // ts <= start + window), and a step whose predecessor was reached but whose window has passed is not an
    // interruption, it simply does not advance anything.
    //
    // Instead of simulating the scan, the SQL computes, without any stop, reach(j) = the first position at which some
    // chain reaches step j. A chain reaches each step at its earliest possible position by walking greedily to the
    // next pair of the next step (the default-mode exchange argument, on positions), so reach(j) = the minimum over
    // starts of that greedy walk. The stop is the first pair after the first step-1 pair that is step 0, or step
    // k >= 2 with reach(k - 1) not before it; the level is the largest j with reach(j) before the stop. Nothing before
    // the stop depends on what comes after it, so this equals the scan.
    //
    // Hand-checked (steps A, B, C, window large unless stated):
    //   A X A B C -> 1: X ends the scan right after the first A; only step 1 was reached.
    //   A A B C   -> 3: the second A starts a newer chain, nothing interrupts, B and C follow.
    //   A B A C   -> 3: the second A is a step-1 pair (no interruption); C's predecessor B was reached by the first
    //                  chain at pos 2, so C is no interruption either, and the first chain takes it.
    //   A@0 B@1 A@20 C@21, window 10 -> 2: C's predecessor was reached (no stop) but the chain that reached it started
    //                  at 0 and 21 > 10; the chain from A@20 never reached B.
    //   A C B C   -> 1: C at pos 2 needs B, which no chain has reached: the scan ends with level 1.
    // ----------------------------------------------------------------------------------------------------------------
    private static readonly string StrictOrderFunnelSql =
        $"""
        WITH RECURSIVE
        {StepsSql},
        pairs AS (
            SELECT e.customer_id, e.ts, e.seq, coalesce(st.k, 0) AS k
            FROM events e LEFT JOIN steps st ON {MatchSql}
        ),
        numbered AS (
            SELECT customer_id, ts, k,
                   row_number() OVER (PARTITION BY customer_id ORDER BY ts, k, seq) AS pos
            FROM pairs
        ),
        -- For every pair and step j: the position and ts of the next pair of step j after it (reverse order keeps the
        -- window frame's start fixed, so PostgreSQL aggregates it incrementally). ts never decreases with pos, so the
        -- minimum ts belongs to the minimum position.
        nexts AS (
            SELECT n.customer_id, n.pos, st.k AS j,
                   min(CASE WHEN n.k = st.k THEN n.pos END) OVER w AS next_pos,
                   min(CASE WHEN n.k = st.k THEN n.ts END) OVER w AS next_ts
            FROM numbered n CROSS JOIN steps st
            WINDOW w AS (PARTITION BY n.customer_id, st.k ORDER BY n.pos DESC
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        ),
        starts AS (
            SELECT customer_id, ts, pos FROM numbered WHERE k = 1
        ),
        {FirstWindowsSql},
        chain (customer_id, start_ts, k, pos) AS (
            SELECT customer_id, ts, 1, pos FROM chosen_starts
            UNION ALL
            SELECT c.customer_id, c.start_ts, c.k + 1, x.next_pos
            FROM chain c
            JOIN nexts x ON x.customer_id = c.customer_id AND x.pos = c.pos AND x.j = c.k + 1
            WHERE x.next_pos IS NOT NULL AND x.next_ts <= c.start_ts + @window
        ),
        reach AS (
            SELECT customer_id, k, min(pos) AS at FROM chain GROUP BY customer_id, k
        ),
        first_start AS (
            SELECT customer_id, min(pos) AS pos FROM starts GROUP BY customer_id
        ),
        stops AS (
            SELECT f.customer_id, min(n.pos) AS pos
            FROM first_start f
            JOIN numbered n ON n.customer_id = f.customer_id AND n.pos > f.pos
            LEFT JOIN reach r ON r.customer_id = n.customer_id AND r.k = n.k - 1
            WHERE n.k = 0 OR (n.k >= 2 AND (r.at IS NULL OR r.at > n.pos))
            GROUP BY f.customer_id
        )
        SELECT r.customer_id, max(r.k)
        FROM reach r LEFT JOIN stops s ON s.customer_id = r.customer_id
        WHERE s.pos IS NULL OR r.at < s.pos
        GROUP BY r.customer_id
        """;

    // ----------------------------------------------------------------------------------------------------------------
    // Retention. The cohort start is the customer's first start event in (ts, seq) order; cohorts are named by the
    // calendar period of that start (date_trunc: day, ISO week starting Monday, month). A return is a return-event
    // (or any event) strictly after the start event in (ts, seq) order, so the start event itself never counts.
    // Its period number:
    //   rolling (default): day n = [start + n*24h, start + (n+1)*24h), week = 7*24h, month n = [start + n months,
    //                      start + (n+1) months) with PostgreSQL's interval arithmetic (Jan 31 + 1 month = Feb 28/29);
    //   calendar:          the difference between date_trunc(period) of the return and of the start.
    // `on` counts a customer in period n for a return in period n; `on-or-after` for a return in period n or later
    // (also later than the last period shown).
    // ----------------------------------------------------------------------------------------------------------------
    private const string RetentionSql =
        """
        WITH
        starts AS (
            SELECT DISTINCT ON (customer_id) customer_id, ts AS start_ts, seq AS start_seq
            FROM events
            WHERE event = @start_event
            ORDER BY customer_id, ts, seq
        ),
        returns AS (
            SELECT s.customer_id, e.ts, s.start_ts,
                   ((extract(year FROM e.ts) - extract(year FROM s.start_ts)) * 12
                    + extract(month FROM e.ts) - extract(month FROM s.start_ts))::int AS calendar_months
            FROM starts s
            JOIN events e ON e.customer_id = s.customer_id
            WHERE (@return_event::text IS NULL OR e.event = @return_event::text)
              AND (e.ts, e.seq) > (s.start_ts, s.start_seq)
        ),
        buckets AS (
            SELECT DISTINCT customer_id,
                CASE
                    WHEN @calendar AND @unit = 'day' THEN (ts::date - start_ts::date)
                    WHEN @calendar AND @unit = 'week' THEN
                        (date_trunc('week', ts)::date - date_trunc('week', start_ts)::date) / 7
                    WHEN @calendar AND @unit = 'month' THEN calendar_months
                    WHEN @unit = 'day' THEN floor(extract(epoch FROM ts - start_ts) / 86400)::int
                    WHEN @unit = 'week' THEN floor(extract(epoch FROM ts - start_ts) / 604800)::int
                    WHEN @unit = 'month' THEN
                        CASE WHEN start_ts + make_interval(months => calendar_months) <= ts
                             THEN calendar_months ELSE calendar_months - 1 END
                END AS bucket
            FROM returns
        ),
        cohorts AS (
            SELECT customer_id, date_trunc(@unit, start_ts)::date AS cohort FROM starts
        ),
        hits AS (
            SELECT DISTINCT c.cohort, c.customer_id, n
            FROM cohorts c
            JOIN buckets b ON b.customer_id = c.customer_id
            CROSS JOIN generate_series(0, @periods) AS n
            WHERE CASE WHEN @on_or_after THEN b.bucket >= n ELSE b.bucket = n END
        ),
        cells AS (
            SELECT cohort, n, count(*) AS retained FROM hits GROUP BY cohort, n
        ),
        grid AS (
            SELECT c.cohort, count(*) AS size FROM cohorts c GROUP BY c.cohort
        )
        SELECT g.cohort, g.size::int, array_agg(coalesce(cells.retained, 0)::int ORDER BY p.n)
        FROM grid g
        CROSS JOIN generate_series(0, @periods) AS p(n)
        LEFT JOIN cells ON cells.cohort = g.cohort AND cells.n = p.n
        GROUP BY g.cohort, g.size
        ORDER BY g.cohort
        """;

    // NPS: promoters answer 9-10, detractors 0-6; every answer counts, several per customer included.
    private const string NpsSql =
        """
        SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))
               / NULLIF(count(*), 0)
        FROM (SELECT (props ->> @property)::numeric AS score
              FROM events
              WHERE event = @event AND props ->> @property IS NOT NULL) answers
        """;

    /// <summary>Each customer's highest level (1..steps) for customers with at least one step-1 event.</summary>
    public async Task<IReadOnlyDictionary<string, int>> FunnelLevelsAsync(OracleFunnel funnel, CancellationToken cancellationToken = default)
    {
        if (funnel.Steps.Count == 0)
        {
            throw new ArgumentException("a funnel needs at least one step", nameof(funnel));
        }

        var sql = funnel.Mode == OracleFunnelMode.StrictOrder ? StrictOrderFunnelSql : DefaultFunnelSql;
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("step_events", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = funnel.Steps.Select(s => s.Event).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter("step_filters", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
        {
            Value = funnel.Steps.Select(s => JsonSerializer.Serialize(s.Where ?? new Dictionary<string, string>())).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter("window", NpgsqlDbType.Interval) { Value = funnel.Window });
        command.Parameters.Add(new NpgsqlParameter("first_only", NpgsqlDbType.Boolean) { Value = funnel.Reentry == OracleReentry.First });

        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            levels[reader.GetString(0)] = reader.GetInt32(1);
        }

        return levels;
    }

    /// <summary><c>counts[k - 1]</c> = customers whose level is at least k, for k = 1..steps.</summary>
    public async Task<IReadOnlyList<int>> FunnelCountsAsync(OracleFunnel funnel, CancellationToken cancellationToken = default)
    {
        var levels = await FunnelLevelsAsync(funnel, cancellationToken);
        return Enumerable.Range(1, funnel.Steps.Count).Select(k => levels.Values.Count(level => level >= k)).ToArray();
    }

    /// <summary>The cohort table, oldest cohort first.</summary>
    public async Task<IReadOnlyList<OracleCohort>> RetentionAsync(OracleRetention retention, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retention.Periods);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(RetentionSql, connection);
        command.Parameters.Add(new NpgsqlParameter("start_event", NpgsqlDbType.Text) { Value = retention.StartEvent });
        command.Parameters.Add(new NpgsqlParameter("return_event", NpgsqlDbType.Text) { Value = (object?)retention.ReturnEvent ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("unit", NpgsqlDbType.Text) { Value = retention.Period.ToString().ToLowerInvariant() });
        command.Parameters.Add(new NpgsqlParameter("periods", NpgsqlDbType.Integer) { Value = retention.Periods });
        command.Parameters.Add(new NpgsqlParameter("calendar", NpgsqlDbType.Boolean) { Value = retention.Calendar });
        command.Parameters.Add(new NpgsqlParameter("on_or_after", NpgsqlDbType.Boolean) { Value = retention.Bucket == OracleBucket.OnOrAfter });

        var cohorts = new List<OracleCohort>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cohorts.Add(new OracleCohort(
                await reader.GetFieldValueAsync<DateOnly>(0, cancellationToken),
                reader.GetInt32(1),
                await reader.GetFieldValueAsync<int[]>(2, cancellationToken)));
        }

        return cohorts;
    }

    /// <summary>NPS of the numeric <paramref name="property"/> of <paramref name="eventName"/> events, unrounded; null without answers.</summary>
    public async Task<decimal?> NpsAsync(string eventName, string property, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(NpsSql, connection);
        command.Parameters.Add(new NpgsqlParameter("event", NpgsqlDbType.Text) { Value = eventName });
        command.Parameters.Add(new NpgsqlParameter("property", NpgsqlDbType.Text) { Value = property });
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is DBNull or null ? null : (decimal)result;
    }
}
