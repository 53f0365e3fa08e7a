using Npgsql;
using NpgsqlTypes;

namespace Trailmap.Oracle.Tests.Oracle;

/// <summary>One event or trait value of the oracle's correlation: the 2x2 counts, the odds ratio, its 95% interval and z.</summary>
public sealed record OracleCorrelationRow(
    string Kind, string Name, string? Value, long ConvertedWith, long ConvertedWithout, long DroppedWith, long DroppedWithout,
    double OddsRatio, double CiLow, double CiHigh, double Z);

/// <summary>
/// Funnel correlation (docs/analytics-semantics.md, correlation) written from the definitions in SQL, for a two-step
/// default-mode funnel with latest re-entry, whose converting chain SQL can state directly: a converter's chain starts
/// at the latest step-1 event with a step-2 event in [s, s + window] and ends at the earliest such step-2 event; a
/// customer with step-1 events and no such pair starts at their latest step-1 event and ends at it + window. Events in
/// [start, end] other than the two step events count once per customer; traits count once per entrant.
/// </summary>
public sealed class OracleCorrelation(PostgresFixture database)
{
    private const string Sql =
        """
        WITH s1 AS (SELECT customer_id, ts FROM events WHERE event = @first),
        s2 AS (SELECT customer_id, ts FROM events WHERE event = @second),
        pairs AS (
            SELECT s1.customer_id, s1.ts AS s, min(s2.ts) AS t
            FROM s1 JOIN s2 ON s2.customer_id = s1.customer_id AND s2.ts >= s1.ts AND s2.ts <= s1.ts + @window
            GROUP BY s1.customer_id, s1.ts),
        conv AS (
            SELECT DISTINCT ON (customer_id) customer_id, s AS span_start, t AS span_end, true AS converted
            FROM pairs ORDER BY customer_id, s DESC),
        entrants AS (
            SELECT customer_id, max(ts) AS last_start FROM s1 GROUP BY customer_id),
        spans AS (
            SELECT e.customer_id,
                   coalesce(c.span_start, e.last_start) AS span_start,
                   coalesce(c.span_end, e.last_start + @window) AS span_end,
                   coalesce(c.converted, false) AS converted
            FROM entrants e LEFT JOIN conv c USING (customer_id)),
        totals AS (
            SELECT count(*) FILTER (WHERE converted) AS nc, count(*) FILTER (WHERE NOT converted) AS nd FROM spans),
        did AS (
            SELECT DISTINCT sp.customer_id, sp.converted, 'event'::text AS kind, ev.event AS name, NULL::text AS value
            FROM spans sp JOIN events ev ON ev.customer_id = sp.customer_id
                AND ev.ts >= sp.span_start AND ev.ts <= sp.span_end AND ev.event <> @first AND ev.event <> @second
            UNION ALL
            SELECT sp.customer_id, sp.converted, 'trait', @trait, tr.value
            FROM spans sp JOIN unnest(@trait_ids::text[], @trait_values::text[]) AS tr(customer_id, value) USING (customer_id)),
        cells AS (
            SELECT kind, name, value,
                   count(*) FILTER (WHERE converted) AS a, count(*) FILTER (WHERE NOT converted) AS c
            FROM did GROUP BY kind, name, value),
        tables AS (
            SELECT kind, name, value, a, nc - a AS b, c, nd - c AS d,
                   CASE WHEN a = 0 OR nc - a = 0 OR c = 0 OR nd - c = 0 THEN 0.5 ELSE 0 END::float8 AS k
            FROM cells CROSS JOIN totals),
        stats AS (
            SELECT *, ln(a + k) + ln(d + k) - ln(b + k) - ln(c + k) AS lor,
                   sqrt(1 / (a + k) + 1 / (b + k) + 1 / (c + k) + 1 / (d + k)) AS se
            FROM tables)
        SELECT kind, name, value, a, b, c, d, exp(lor), exp(lor - 1.959963984540054 * se), exp(lor + 1.959963984540054 * se), lor / se
        FROM stats CROSS JOIN totals
        WHERE totals.nc > 0 AND totals.nd > 0
        ORDER BY kind COLLATE "C", name COLLATE "C", value COLLATE "C"
        """;

    public async Task<IReadOnlyList<OracleCorrelationRow>> CorrelateAsync(
        string first, string second, TimeSpan window, string trait, IReadOnlyDictionary<string, string> traits, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter("first", NpgsqlDbType.Text) { Value = first });
        command.Parameters.Add(new NpgsqlParameter("second", NpgsqlDbType.Text) { Value = second });
        command.Parameters.Add(new NpgsqlParameter("window", NpgsqlDbType.Interval) { Value = window });
        command.Parameters.Add(new NpgsqlParameter("trait", NpgsqlDbType.Text) { Value = trait });
        command.Parameters.Add(new NpgsqlParameter("trait_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = traits.Keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("trait_values", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = traits.Values.ToArray() });
        var rows = new List<OracleCorrelationRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OracleCorrelationRow(
                reader.GetString(0), reader.GetString(1), await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetString(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6),
                reader.GetDouble(7), reader.GetDouble(8), reader.GetDouble(9), reader.GetDouble(10)));
        }

        return rows;
    }
}
