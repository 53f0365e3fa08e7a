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
        if (spec.Modes.HasFlag(FunnelModes.Unordered))
        {
            return BuildUnordered(database, spec, distributed);
        }

        var n = spec.Steps.Count;
        var window = ClickHouseSql.Number(spec.Window.Span.Ticks / 10);
        var names = spec.Steps.Select(s => s.Event).Distinct(StringComparer.Ordinal).ToList();
        var exclusions = spec.Exclusions.Select(e => e.Event).Distinct(StringComparer.Ordinal).ToList();
        var strictOrder = spec.Modes.HasFlag(FunnelModes.StrictOrder);
        var breaksOrder = strictOrder && !spec.Modes.HasFlag(FunnelModes.AllowReentry);
        var dedup = spec.Modes.HasFlag(FunnelModes.StrictDedup);
        var cuts = strictOrder || dedup;
        // strict-order reads every event (one matching no step ends the scan); exclusions read their events too. Such
        // events become step-0 pairs, which sort before the step pairs of their instant and advance no chain.
        var unmatched = strictOrder || exclusions.Count > 0;
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
        var step = !distinct ? "step" : n == 1 && !unmatched ? "1"
            : unmatched ? "multiIf(" + string.Join(", ", spec.Steps.Select((s, k) => $"event = {ClickHouseSql.Literal(s.Event)}, {k + 1}")) + ", 0)"
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

        // The s arrays are causal (element j depends on pairs up to j), so the scan of a strict mode is the prefix
        // before the pair where it ends, and each array read at the prefix's last pair is the state the scan ends in.
        var at = "-1";
        if (cuts)
        {
            var ends = new List<string>();
            if (strictOrder)
            {
                // An event matching no step, once a step-1 event has been seen.
                ends.Add("st[j] = 0");
            }

            // A one-step funnel has no step k+1 (and multiIf needs a condition).
            if (breaksOrder && n > 1)
            {
                // A step k+1 pair when no chain has reached step k.
                ends.Add("multiIf(" + string.Concat(Enumerable.Range(2, n - 1).Select(k => $"st[j] = {k}, s{k - 1}[j - 1], ")) + "1) = 0");
            }

            if (dedup && n > 1)
            {
                // A step k+1 pair (k >= 1) when some chain has already taken step k+1.
                ends.Add("multiIf(" + string.Concat(Enumerable.Range(2, n - 1).Select(k => $"st[j] = {k}, s{k}[j - 1], ")) + "0) != 0");
            }

            ends.Add("0");
            sql.Append("arrayFirstIndex(j -> s1[j - 1] != 0 AND (").Append(string.Join(" OR ", ends)).Append("), arrayEnumerate(st)) AS cut, ");
            sql.Append("if(cut = 0, toInt64(length(st)), toInt64(cut) - 1) AS last, ");
            at = "last";
        }

        var levelSum = string.Join(" + ", Enumerable.Range(1, n).Select(k => $"(s{k}[{at}] != 0)"));
        if (exclusions.Count > 0)
        {
            // An exclusion strictly after an allowed step-1 event (one before the scan ended) and within its window.
            var beforeEnd = cuts ? "j <= last AND " : "";
            sql.Append("groupArrayIf(ts_us, event IN (").Append(ClickHouseSql.List(exclusions)).Append(")) AS xs, ");
            sql.Append(i, $"if(arrayExists(x -> arrayExists((p, j) -> {beforeEnd}p.2 = 1 AND p.1 < x AND x <= p.1 + {window}, pairs, arrayEnumerate(pairs)), xs), 0, {levelSum}) AS level, ");
        }
        else
        {
            sql.Append(levelSum).Append(" AS level, ");
        }

        // The converting chain: the last start of the highest stage reached (stages are nested, so the first set from the top).
        sql.Append("arrayFirst(x -> x != 0, [").Append(string.Join(", ", Enumerable.Range(1, n).Reverse().Select(k => $"s{k}[{at}]"))).Append("]) AS chain, ");
        sql.Append("arrayDifference(arrayMap(r -> if(r = 0, 0, ts[r]), [")
            .Append(string.Join(", ", Enumerable.Range(1, n).Select(k => $"arrayFirstIndex(x -> x = chain, s{k})"))).Append("])) AS d");

        sql.Append(i, $" FROM {database}.events");
        if (!distinct)
        {
            var matches = string.Join(", ", spec.Steps.Select((s, k) => $"if(event = {ClickHouseSql.Literal(s.Event)}, {k + 1}, 0)"));
            // LEFT keeps an event matching no step (an exclusion) as one step-0 row.
            sql.Append(unmatched ? " LEFT" : "").Append(i, $" ARRAY JOIN arrayFilter(x -> x != 0, [{matches}]) AS step");
        }

        AppendWhere(sql, spec, strictOrder ? null : [.. names, .. exclusions]);
        sql.Append(" GROUP BY customer_id)");
        // Each customer lives on one shard, so each shard finishes its own per-customer rows; the initiator only adds them up.
        if (distributed)
        {
            sql.Append(" SETTINGS distributed_group_by_no_merge = 1");
        }

        return sql.ToString();
    }

    /// <summary>
    /// Unordered: per step pair at time t, the distinct steps with a pair in [t, t + window]; the level is the most.
    /// An exclusion strictly after any step event and within its window removes the customer. No times are reported
    /// (the count of each step's times is 0).
    /// </summary>
    private static string BuildUnordered(string database, FunnelSpec spec, bool distributed)
    {
        var n = spec.Steps.Count;
        var window = ClickHouseSql.Number(spec.Window.Span.Ticks / 10);
        var names = spec.Steps.Select(s => s.Event).Distinct(StringComparer.Ordinal).ToList();
        var exclusions = spec.Exclusions.Select(e => e.Event).Distinct(StringComparer.Ordinal).ToList();
        var i = CultureInfo.InvariantCulture;
        var sql = new StringBuilder("SELECT ");
        for (var k = 1; k <= n; k++)
        {
            sql.Append(i, $"countIf(level >= {k}), ");
        }

        for (var k = 2; k <= n; k++)
        {
            sql.Append("0, 0, 0, 0, ");
        }

        var matches = string.Join(", ", spec.Steps.Select((s, k) => $"if(event = {ClickHouseSql.Literal(s.Event)}, {k + 1}, 0)"));
        sql.Append("count() FROM (SELECT customer_id, arrayFilter(p -> p.2 != 0, groupArray((ts_us, step))) AS sp, ");
        sql.Append(i, $"arrayReduce('max', arrayMap(p -> length(arrayDistinct(arrayMap(q -> q.2, arrayFilter(q -> q.1 >= p.1 AND q.1 <= p.1 + {window}, sp)))), sp)) AS most, ");
        if (exclusions.Count > 0)
        {
            sql.Append("groupArrayIf(ts_us, event IN (").Append(ClickHouseSql.List(exclusions)).Append(")) AS xs, ");
            sql.Append(i, $"if(arrayExists(x -> arrayExists(p -> p.1 < x AND x <= p.1 + {window}, sp), xs), 0, most) AS level");
        }
        else
        {
            sql.Append("most AS level");
        }

        sql.Append(i, $" FROM {database}.events LEFT ARRAY JOIN arrayFilter(x -> x != 0, [{matches}]) AS step");
        AppendWhere(sql, spec, [.. names, .. exclusions]);
        sql.Append(" GROUP BY customer_id)");
        if (distributed)
        {
            sql.Append(" SETTINGS distributed_group_by_no_merge = 1");
        }

        return sql.ToString();
    }

    /// <summary>The events read: those named (null: every event), within the spec's range.</summary>
    private static void AppendWhere(StringBuilder sql, FunnelSpec spec, IReadOnlyCollection<string>? events)
    {
        var where = new List<string>();
        if (events is not null)
        {
            where.Add("event IN (" + ClickHouseSql.List(events.Distinct(StringComparer.Ordinal)) + ")");
        }

        if (spec.From is { } from)
        {
            where.Add("ts_us >= " + ClickHouseSql.Number(ClickHouseEventStore.Micros(from)));
        }

        if (spec.To is { } to)
        {
            where.Add("ts_us < " + ClickHouseSql.Number(ClickHouseEventStore.Micros(to)));
        }

        if (where.Count > 0)
        {
            sql.Append(" WHERE ").Append(string.Join(" AND ", where));
        }
    }
}
