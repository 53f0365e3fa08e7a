using Npgsql;
using NpgsqlTypes;

namespace Trailmap.Oracle.Tests.Oracle;

/// <summary>One breakdown value of the oracle: entrants and converters, the rest's, and the z statistic (null when undefined).</summary>
public sealed record OracleBreakdownTest(string Value, long Entered, long Converted, long RestEntered, long RestConverted, double? Z);

/// <summary>
/// Breakdown significance computed in SQL from the oracle's own funnel levels and a customer trait: per trait value
/// (customers without one under "(none)"), the entrants (level >= 1) and converters (level = steps), and the pooled
/// two-proportion z statistic of the value against every other entrant (SEMANTICS: breakdown by trait value).
/// </summary>
public sealed class OracleSignificance(PostgresFixture database)
{
    private const string Sql =
        """
        WITH lv AS (SELECT * FROM unnest(@ids::text[], @levels::int[]) AS l(customer_id, level)),
        tr AS (SELECT * FROM unnest(@trait_ids::text[], @trait_values::text[]) AS t(customer_id, value)),
        g AS (
            SELECT coalesce(tr.value, '(none)') AS value, count(*)::bigint AS n,
                   (count(*) FILTER (WHERE lv.level >= @steps))::bigint AS x
            FROM lv LEFT JOIN tr USING (customer_id)
            WHERE lv.level >= 1
            GROUP BY 1),
        tot AS (SELECT sum(n)::bigint AS nn, sum(x)::bigint AS xx FROM g)
        SELECT g.value, g.n, g.x, tot.nn - g.n, tot.xx - g.x,
               CASE WHEN tot.nn = g.n OR tot.xx = 0 OR tot.xx = tot.nn THEN NULL
                    ELSE (g.x::float8 / g.n - (tot.xx - g.x)::float8 / (tot.nn - g.n))
                         / sqrt((tot.xx::float8 / tot.nn) * (1 - tot.xx::float8 / tot.nn)
                                * (1.0::float8 / g.n + 1.0::float8 / (tot.nn - g.n)))
               END
        FROM g CROSS JOIN tot
        ORDER BY g.value COLLATE "C"
        """;

    /// <summary>The test of every value of <paramref name="traits"/> over <paramref name="funnel"/>, in ordinal order of the values.</summary>
    public async Task<IReadOnlyList<OracleBreakdownTest>> BreakdownAsync(
        OracleFunnel funnel, IReadOnlyDictionary<string, string> traits, CancellationToken cancellationToken = default)
    {
        var levels = await new PostgresOracle(database).FunnelLevelsAsync(funnel, cancellationToken);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = levels.Keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = levels.Values.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("trait_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = traits.Keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("trait_values", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = traits.Values.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("steps", NpgsqlDbType.Integer) { Value = funnel.Steps.Count });

        var rows = new List<OracleBreakdownTest>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OracleBreakdownTest(
                reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                await reader.IsDBNullAsync(5, cancellationToken) ? null : reader.GetDouble(5)));
        }

        return rows;
    }
}
