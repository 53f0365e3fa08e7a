using System.Globalization;
using System.Text;
using Trailmap.Analytics.Funnels;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// The SQL of a default-mode funnel (latest re-entry) in ClickHouse 18.16 and later, with microsecond timestamps, so
/// not <c>windowFunnel</c> (which takes DateTime seconds there). Per customer, on the shard that holds them:
/// <list type="number">
/// <item>each event becomes one (ts, step, seq) pair per step its name matches, sorted by (ts, step, arrival): the
/// pair order of docs/analytics-semantics.md;</item>
/// <item><c>s1</c>..<c>sK</c>: after each pair, the pair index of the latest chain start at level k or beyond (0: none).
/// A step-k pair within the window of the start in <c>s(k-1)</c> before it sets <c>sk</c> to that start; the array is
/// forward-filled with a cumulative count (18.16 has no arrayFold). The newest start dominates older ones at the same
/// level (its window ends later), so this is the in-memory kernel's "latest start wins, levels kept";</item>
/// <item>the level is the number of k with <c>sk</c> set; the converting chain is <c>sLevel</c>'s last start, and step k's
/// time the first pair where <c>sk</c> holds it.</item>
/// </list>
/// The outer query, on the initiator, reduces the per-customer rows to one row: customers per step, then per step
/// after the first the count, the sum of seconds, the nearest-rank median and p90 (microseconds) of the times.
/// </summary>
internal static class ClickHouseFunnelSql
{
    // Below any running sum of pair indices, so adding it resets arrayCumSumNonNegative to zero.
    private const string Reset = "-4611686018427387904";

    public static string Build(string database, FunnelSpec spec, bool distributed)
    {
        var n = spec.Steps.Count;
        var window = ClickHouseSql.Number(spec.Window.Span.Ticks / 10);
        var names = spec.Steps.Select(s => s.Event).Distinct(StringComparer.Ordinal).ToList();
        var sql = new StringBuilder();
        var i = CultureInfo.InvariantCulture;

        sql.Append("SELECT ");
        for (var k = 1; k <= n; k++)
        {
            sql.Append(i, $"countIf(level >= {k}), ");
        }

        for (var k = 2; k <= n; k++)
        {
            // Aliased inside length(): an alias at the top of the list would return the whole array as a column.
            sql.Append(i, $"length(arraySort(groupArrayIf(d[{k}], level >= {k})) AS a{k}), arraySum(arrayMap(x -> x / 1000000, a{k})), ");
            sql.Append(i, $"a{k}[toUInt64(ceil(0.5 * length(a{k})))], a{k}[toUInt64(ceil(0.9 * length(a{k})))], ");
        }

        // Each event's step number: one per event when the step names are distinct (a plain multiIf), else one row per
        // step the name matches (an ARRAY JOIN, lambda-free: 18.16 cannot capture a column there).
        var distinct = names.Count == n;
        var step = !distinct ? "step" : n == 1 ? "1"
            : "multiIf(" + string.Join(", ", spec.Steps.Take(n - 1).Select((s, k) => $"event = {ClickHouseSql.Literal(s.Event)}, {k + 1}")) + $", {n})";
        sql.Append("count() FROM (SELECT customer_id, ");
        // Tuples sort by (time, step, arrival) as they compare, with no lambda.
        sql.Append(i, $"arraySort(groupArray((ts_us, {step}, seq))) AS pairs, ");
        sql.Append("arrayMap(x -> x.1, pairs) AS ts, arrayMap(x -> x.2, pairs) AS st, arrayEnumerate(arrayConcat(pairs, pairs)) AS idx2, ");
        sql.Append("arrayMap((s, j) -> if(s = 1, j, 0), st, arrayEnumerate(pairs)) AS u1, ");
        for (var k = 1; k <= n; k++)
        {
            if (k > 1)
            {
                sql.Append(i, $"arrayMap((t, s, p) -> if(s = {k} AND p != 0 AND t <= ts[p] + {window}, p, 0), ts, st, arrayPushFront(arrayPopBack(s{k - 1}), 0)) AS u{k}, ");
            }

            // Forward fill of u{k} naming u{k} once: ClickHouse expands aliases in the query's syntax tree, so two
            // references per step would double it at every step (a 10-step funnel then exceeds max_expanded_ast_elements).
            // Each element becomes [reset, value], and a cumulative sum that resets below zero keeps the last value set.
            sql.Append(i, $"arrayFilter((x, j) -> j % 2 = 0, arrayCumSumNonNegative(arrayReduce('groupArrayArray', arrayMap(u -> [if(u != 0, {Reset}, 0), toInt64(u)], u{k}))), idx2) AS s{k}, ");
        }

        sql.Append(string.Join(" + ", Enumerable.Range(1, n).Select(k => $"(s{k}[-1] != 0)"))).Append(" AS level, ");
        // The converting chain: the last start of the highest stage reached (stages are nested, so the first set from the top).
        sql.Append("arrayFirst(x -> x != 0, [").Append(string.Join(", ", Enumerable.Range(1, n).Reverse().Select(k => $"s{k}[-1]"))).Append("]) AS chain, ");
        sql.Append("arrayDifference(arrayMap(r -> if(r = 0, 0, ts[r]), [")
            .Append(string.Join(", ", Enumerable.Range(1, n).Select(k => $"arrayFirstIndex(x -> x = chain, s{k})"))).Append("])) AS d");

        sql.Append(i, $" FROM {database}.events");
        if (!distinct)
        {
            var matches = string.Join(", ", spec.Steps.Select((s, k) => $"if(event = {ClickHouseSql.Literal(s.Event)}, {k + 1}, 0)"));
            sql.Append(i, $" ARRAY JOIN arrayFilter(x -> x != 0, [{matches}]) AS step");
        }

        sql.Append(" WHERE event IN (").Append(ClickHouseSql.List(names)).Append(')');
        if (spec.From is { } from)
        {
            sql.Append(" AND ts_us >= ").Append(ClickHouseSql.Number(ClickHouseEventStore.Micros(from)));
        }

        if (spec.To is { } to)
        {
            sql.Append(" AND ts_us < ").Append(ClickHouseSql.Number(ClickHouseEventStore.Micros(to)));
        }

        sql.Append(" GROUP BY customer_id)");
        // Each customer lives on one shard, so each shard finishes its own per-customer rows; the initiator only adds them up.
        if (distributed)
        {
            sql.Append(" SETTINGS distributed_group_by_no_merge = 1");
        }

        return sql.ToString();
    }
}
