using System.Globalization;
using System.Text;
using Trailmap.Analytics.Retention;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// The SQL of a retention table (every period, both buckets, rolling or calendar) in ClickHouse 18.16 and later.
/// ClickHouse's <c>retention</c> function is not used: it answers "did each condition hold at all", not "in which
/// period after this customer's own first start". Per customer, on the shard that holds them:
/// <list type="number">
/// <item>each event read becomes a tuple (ts, seq, is start, is return), sorted by (ts, seq): the log order of the
/// in-memory engine;</item>
/// <item>the first start event is the cohort start; the returns are the events after it in that order (so the start
/// itself never counts, another event at the same instant does) that meet the return condition;</item>
/// <item>each return's period index is computed from the two times as <c>RetentionEngine.PeriodIndex</c> does; the
/// customer's retained periods are the distinct indexes up to the last period (bucket on), or every period up to
/// the latest return (on or after).</item>
/// </list>
/// Calendar fields come from integer arithmetic on days since 1970 (the civil-from-days algorithm), not from
/// ClickHouse's Date, whose range on 18.16 starts in 1970 while accepted event times start in 1900.
/// The outer query, on the initiator, counts customers per (cohort, period), and per cohort (period -1: the size).
/// </summary>
internal static class ClickHouseRetentionSql
{
    private const long Day = 86_400_000_000L;

    // DateOnly.DayNumber of 1970-01-01: day numbers from 0001-01-01 (a Monday) make whole weeks ISO weeks.
    public const long EpochDayNumber = 719_162;

    public static string Build(string database, RetentionSpec spec, DateTimeOffset? from, DateTimeOffset? to, bool distributed)
    {
        var i = CultureInfo.InvariantCulture;
        var cohort = spec.Period switch
        {
            RetentionPeriod.Day => DayOf("s.1"),
            // The Monday of the ISO week, as days since 1970.
            RetentionPeriod.Week => Let("sd", DayOf("s.1"), $"sd - (sd + {EpochDayNumber}) % 7"),
            _ => MonthIndex("s.1"),
        };
        var start = $"event = {ClickHouseSql.Literal(spec.StartEvent.Event)}";
        var isReturn = spec.ReturnEvent is { } r ? $"event = {ClickHouseSql.Literal(r.Event)}" : "1";
        // x is a return's tuple, s the start's: the period index of RetentionEngine.PeriodIndex.
        var index = (spec.Calendar, spec.Period) switch
        {
            (false, RetentionPeriod.Day) => $"intDiv(x.1 - s.1, {Day})",
            (false, RetentionPeriod.Week) => $"intDiv(x.1 - s.1, {7 * Day})",
            // Whole months between the months, less one when the start's day and time, moved to the return's month
            // (the day capped at that month's length, as DateTimeOffset.AddMonths does), is after the return.
            (false, _) => Let("a", Civil("s.1"), Let("b", Civil("x.1"),
                $"b.1 * 12 + b.2 - (a.1 * 12 + a.2) - ((least(a.3, {DaysInMonth("b.1", "b.2")}), a.4) > (b.3, b.4))")),
            (true, RetentionPeriod.Day) => $"{DayOf("x.1")} - {DayOf("s.1")}",
            (true, RetentionPeriod.Week) => $"intDiv({DayOf("x.1")} + {EpochDayNumber}, 7) - intDiv({DayOf("s.1")} + {EpochDayNumber}, 7)",
            (true, _) => $"{MonthIndex("x.1")} - {MonthIndex("s.1")}",
        };
        var last = spec.Periods;
        var retained = spec.Bucket == RetentionBucket.On
            ? $"arrayFilter(p -> p <= {last}, arrayDistinct(ks))"
            : $"range(toUInt64(least({last + 1}, if(empty(ks), 0, arrayReduce('max', ks) + 1))))";

        var sql = new StringBuilder();
        sql.Append("SELECT cohort, k, count() FROM (SELECT customer_id, ");
        sql.Append(i, $"arraySort(groupArray((ts_us, seq, {start}, {isReturn}))) AS e, ");
        sql.Append(i, $"arrayFirstIndex(x -> x.3 = 1, e) AS si, e[si] AS s, {cohort} AS cohort, ");
        sql.Append(i, $"arrayMap(x -> {index}, arrayFilter((x, j) -> j > si AND x.4 = 1, e, arrayEnumerate(e))) AS ks, ");
        sql.Append(i, $"arrayPushFront(arrayMap(p -> toInt64(p), {retained}), -1) AS periods");
        sql.Append(i, $" FROM {database}.events");
        var where = new List<string>();
        if (spec.ReturnEvent is { } ret)
        {
            where.Add("event IN (" + ClickHouseSql.List(new[] { spec.StartEvent.Event, ret.Event }.Distinct(StringComparer.Ordinal)) + ")");
        }

        if (from is { } f)
        {
            where.Add("ts_us >= " + ClickHouseSql.Number(ClickHouseEventStore.Micros(f)));
        }

        if (to is { } t)
        {
            where.Add("ts_us < " + ClickHouseSql.Number(ClickHouseEventStore.Micros(t)));
        }

        if (where.Count > 0)
        {
            sql.Append(" WHERE ").Append(string.Join(" AND ", where));
        }

        // Period -1 of a cohort counts its customers: every customer with a start adds one row for it.
        sql.Append(" GROUP BY customer_id HAVING si > 0) ARRAY JOIN periods AS k GROUP BY cohort, k ORDER BY cohort, k");
        if (distributed)
        {
            // Each customer lives on one shard, so each shard finishes its own per-customer rows.
            sql.Append(" SETTINGS distributed_group_by_no_merge = 1");
        }

        return sql.ToString();
    }

    /// <summary>The first day of a cohort from its key: days since 1970 (day, week) or year * 12 + month - 1 (month).</summary>
    public static DateOnly CohortStart(RetentionPeriod period, long key) => period == RetentionPeriod.Month
        ? new DateOnly((int)(key / 12), (int)(key % 12) + 1, 1)
        : DateOnly.FromDayNumber((int)(key + EpochDayNumber));

    // Division rounding down (intDiv rounds toward zero, and times before 1970 are negative). The divisor is typed
    // Int64: a bare literal is UInt64, and 18.16 then divides the negative time as a huge unsigned number.
    private static string FloorDiv(string x, long d) => $"(intDiv({x}, toInt64({d})) - ({x} % toInt64({d}) < 0))";

    /// <summary>The day of microsecond time <paramref name="t"/>, as days since 1970.</summary>
    private static string DayOf(string t) => FloorDiv(t, Day);

    /// <summary>year * 12 + month - 1 of time <paramref name="t"/>.</summary>
    private static string MonthIndex(string t) => Let("cv", Civil(t), "cv.1 * 12 + cv.2 - 1");

    /// <summary>
    /// <c>let name = value in body</c>: a one-element arrayMap, so a value used several times is written (and
    /// computed) once. ClickHouse expands aliases in the syntax tree, so naming the parts of the calendar arithmetic
    /// with aliases grew the query past <c>max_expanded_ast_elements</c>; lambda parameters are not expanded.
    /// </summary>
    private static string Let(string name, string value, string body) => $"arrayMap({name} -> {body}, [{value}])[1]";

    /// <summary>
    /// (year, month, day of month, microseconds into the day) of microsecond time <paramref name="t"/>, by Howard
    /// Hinnant's civil_from_days: integer arithmetic only, valid for any day.
    /// </summary>
    private static string Civil(string t) =>
        Let("ct", t,
        Let("cday", DayOf("ct"),
        Let("cz", "cday + 719468",
        Let("cera", FloorDiv("cz", 146097),
        Let("cdoe", "cz - cera * 146097",
        Let("cyoe", "intDiv(cdoe - intDiv(cdoe, 1460) + intDiv(cdoe, 36524) - intDiv(cdoe, 146096), 365)",
        Let("cdoy", "cdoe - (365 * cyoe + intDiv(cyoe, 4) - intDiv(cyoe, 100))",
        Let("cmp", "intDiv(5 * cdoy + 2, 153)",
        Let("cm", "if(cmp < 10, cmp + 3, cmp - 9)",
            $"(toInt64(cyoe + cera * 400 + (cm <= 2)), toInt64(cm), toInt64(cdoy - intDiv(153 * cmp + 2, 5) + 1), ct - cday * {Day})")))))))));

    private static string DaysInMonth(string year, string month) =>
        $"multiIf({month} = 2, if(({year} % 4 = 0 AND {year} % 100 != 0) OR {year} % 400 = 0, 29, 28), {month} IN (4, 6, 9, 11), 30, 31)";
}
