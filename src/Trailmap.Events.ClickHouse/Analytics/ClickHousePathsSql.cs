using System.Globalization;
using System.Text;
using Trailmap.Analytics.Paths;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// The SQL of <c>trailmap paths</c> in ClickHouse 18.16 and later. Per customer, on the shard that holds them: the
/// event names in log order (time, then arrival), the first anchor, and the up to Depth names after (or before) it.
/// The initiator counts customers per path and returns the Top commonest, ties in the order of the in-memory engine
/// (the names joined by U+001F, compared ordinally), so at most Top rows reach Trailmap.
/// </summary>
internal static class ClickHousePathsSql
{
    public static string Build(string database, PathsSpec spec, bool distributed)
    {
        var i = CultureInfo.InvariantCulture;
        var anchor = ClickHouseSql.Literal(spec.From ?? spec.To!);
        var depth = ClickHouseSql.Number(spec.Depth);
        var path = spec.From is not null
            ? $"arraySlice(names, at + 1, {depth})"
            : $"arraySlice(names, greatest(1, toInt64(at) - {depth}), toInt64(at) - greatest(1, toInt64(at) - {depth}))";
        var sql = new StringBuilder();
        // Names go back hex-encoded, one path per row: no TabSeparated array quoting to undo, and any character survives.
        sql.Append("SELECT arrayStringConcat(arrayMap(x -> hex(x), path), ','), count() AS customers FROM (SELECT customer_id, ");
        sql.Append("arrayMap(x -> x.3, arraySort(groupArray((ts_us, seq, event)))) AS names, indexOf(names, ").Append(anchor).Append(") AS at, ");
        sql.Append(i, $"{path} AS path FROM {database}.events GROUP BY customer_id HAVING at > 0)");
        // The in-memory engine breaks ties by the joined names in UTF-16 ordinal order. UTF-8 bytes sort by code point,
        // which differs only in that U+E000..U+FFFF (lead bytes EE, EF) sort before the surrogate pairs of U+10000 and
        // up (lead bytes F0..F4) in UTF-16: moving EE and EF to the unused F5 and F6 gives UTF-16's order.
        sql.Append(" GROUP BY path ORDER BY customers DESC, replaceAll(replaceAll(arrayStringConcat(path, '\\x1F'), '\\xEE', '\\xF5'), '\\xEF', '\\xF6')");
        sql.Append(" LIMIT ").Append(ClickHouseSql.Number(spec.Top));
        if (distributed)
        {
            // Each customer lives on one shard, so each shard finishes its own per-customer rows.
            sql.Append(" SETTINGS distributed_group_by_no_merge = 1");
        }

        return sql.ToString();
    }

    /// <summary>One row's path: comma-separated hex of each name's UTF-8 bytes (empty: nothing followed the anchor).</summary>
    public static string[] Names(string encoded) => encoded.Length == 0
        ? []
        : [.. encoded.Split(',').Select(h => Encoding.UTF8.GetString(Convert.FromHexString(h)))];
}
