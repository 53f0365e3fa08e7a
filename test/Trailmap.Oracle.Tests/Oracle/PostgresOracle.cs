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

    private static readonly string DefaultFunnelSql =
        $"""
        WITH RECURSIVE
        {StepsSql},
        starts AS (
            SELECT e.customer_id, e.ts, e.seq
            FROM events e JOIN steps st ON st.k = 1 AND {MatchSql}
        ),
        chosen_starts AS (
            -- re-entry `first`: only the customer's first step-1 event in (ts, seq) order may start a chain.
            SELECT s.* FROM starts s
            WHERE NOT @first_only
               OR NOT EXISTS (SELECT 1 FROM starts o
                              WHERE o.customer_id = s.customer_id AND (o.ts, o.seq) < (s.ts, s.seq))
        ),
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
    // Funnels, strict-order: step k+1 must be the very next event of the customer after step k's event (or that same
    // event, when it satisfies step k+1 too, as in default mode); any event in between, matching a step or not, ends
    // the chain. Events of a customer are numbered in (ts, lowest step they satisfy or 0 for none, seq) order: the
    // step index keeps SEMANTICS' "same-timestamp events count in step order", and events matching no step sort first
    // at their timestamp, as ClickHouse's strict_order does (it files them as step 0).
    //
    // Greedy is NOT optimal here (an event satisfying steps 1 and 2 followed by a step-2 event then a step-3 event
    // reaches 3 only by taking the second event as step 2), so the recursion keeps both choices; UNION dedupes states.
    // ----------------------------------------------------------------------------------------------------------------
    private static readonly string StrictOrderFunnelSql =
        $"""
        WITH RECURSIVE
        {StepsSql},
        ranked AS (
            SELECT e.customer_id, e.ts, e.seq, e.event, e.props,
                   row_number() OVER (PARTITION BY e.customer_id
                                      ORDER BY e.ts, coalesce(m.first_step, 0), e.seq) AS rn
            FROM events e
            CROSS JOIN LATERAL (SELECT min(st.k) AS first_step FROM steps st WHERE {MatchSql}) m
        ),
        matches AS (
            SELECT e.customer_id, e.rn, e.ts, st.k
            FROM ranked e JOIN steps st ON {MatchSql}
        ),
        chosen_starts AS (
            SELECT s.customer_id, s.rn, s.ts FROM matches s
            WHERE s.k = 1
              AND (NOT @first_only
                   OR NOT EXISTS (SELECT 1 FROM matches o
                                  WHERE o.k = 1 AND o.customer_id = s.customer_id AND o.rn < s.rn))
        ),
        chain (customer_id, start_ts, k, rn) AS (
            SELECT customer_id, ts, 1, rn FROM chosen_starts
            UNION
            SELECT c.customer_id, c.start_ts, c.k + 1, m.rn
            FROM chain c
            JOIN matches m ON m.customer_id = c.customer_id AND m.k = c.k + 1
                          AND (m.rn = c.rn OR m.rn = c.rn + 1)
                          AND m.ts <= c.start_ts + @window
        )
        SELECT customer_id, max(k) FROM chain GROUP BY customer_id
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
