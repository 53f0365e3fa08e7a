using Npgsql;
using NpgsqlTypes;

namespace Trailmap.Oracle.Tests.Oracle;

/// <summary>One node of the oracle's Sankey: a step, its event (empty for the step's other) and its customers.</summary>
public sealed record OracleSankeyNode(int Step, string Event, bool Other, long Customers);

/// <summary>One link of the oracle's Sankey, from a node to the node of the next step.</summary>
public sealed record OracleSankeyLink(int FromStep, string FromEvent, bool FromOther, int ToStep, string ToEvent, bool ToOther, long Customers);

/// <summary>
/// The Sankey of paths (docs/analytics-semantics.md, Sankey) written from its definition in SQL: events numbered per
/// customer by (ts, seq); the anchor is the customer's first anchor event; step k is the event k places after (or
/// before) it, up to the depth; an event at a step below share * anchored customers is that step's other (a null
/// label); links join a customer's node at step s to their node at step s + 1.
/// </summary>
public sealed class OracleSankey(PostgresFixture database)
{
    private const string Nodes =
        """
        WITH ordered AS (
            SELECT customer_id, event, row_number() OVER (PARTITION BY customer_id ORDER BY ts, seq) AS n FROM events),
        anchors AS (
            SELECT customer_id, min(n) AS n FROM ordered WHERE event = @anchor GROUP BY customer_id),
        total AS (SELECT count(*)::numeric AS n FROM anchors),
        steps AS (
            SELECT o.customer_id, (o.n - a.n)::int AS step, o.event
            FROM ordered o JOIN anchors a USING (customer_id)
            WHERE sign(o.n - a.n) = @sign AND abs(o.n - a.n) <= @depth),
        counts AS (SELECT step, event, count(*) AS c FROM steps GROUP BY step, event),
        nodes AS (
            SELECT s.customer_id, s.step, CASE WHEN c.c >= @share * t.n THEN s.event END AS label
            FROM steps s JOIN counts c USING (step, event) CROSS JOIN total t
            UNION ALL
            SELECT customer_id, 0, @anchor FROM anchors)
        """;

    private const string NodeSql = Nodes +
        """

        SELECT * FROM (
            SELECT step AS s, coalesce(label, '') AS l, label IS NULL AS o, count(*) AS c FROM nodes GROUP BY 1, 2, 3) x
        ORDER BY s, o, l COLLATE "C"
        """;

    private const string LinkSql = Nodes +
        """

        SELECT * FROM (
            SELECT p.step AS s1, coalesce(p.label, '') AS l1, p.label IS NULL AS o1,
                   q.step AS s2, coalesce(q.label, '') AS l2, q.label IS NULL AS o2, count(*) AS c
            FROM nodes p JOIN nodes q ON q.customer_id = p.customer_id AND q.step = p.step + 1
            GROUP BY 1, 2, 3, 4, 5, 6) x
        ORDER BY s1, o1, l1 COLLATE "C", s2, o2, l2 COLLATE "C"
        """;

    public async Task<(IReadOnlyList<OracleSankeyNode> Nodes, IReadOnlyList<OracleSankeyLink> Links)> SankeyAsync(
        string anchor, bool after, int depth, decimal share, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var nodes = new List<OracleSankeyNode>();
        await using (var command = Command(NodeSql, connection, anchor, after, depth, share))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                nodes.Add(new OracleSankeyNode(reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2), reader.GetInt64(3)));
            }
        }

        var links = new List<OracleSankeyLink>();
        await using (var command = Command(LinkSql, connection, anchor, after, depth, share))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                links.Add(new OracleSankeyLink(
                    reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2), reader.GetInt32(3), reader.GetString(4), reader.GetBoolean(5), reader.GetInt64(6)));
            }
        }

        return (nodes, links);
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, string anchor, bool after, int depth, decimal share)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("anchor", NpgsqlDbType.Text) { Value = anchor });
        command.Parameters.Add(new NpgsqlParameter("sign", NpgsqlDbType.Bigint) { Value = after ? 1L : -1L });
        command.Parameters.Add(new NpgsqlParameter("depth", NpgsqlDbType.Bigint) { Value = (long)depth });
        command.Parameters.Add(new NpgsqlParameter("share", NpgsqlDbType.Numeric) { Value = share });
        return command;
    }
}
