using System.Diagnostics;
using System.Globalization;
using Trailmap.Analytics.Queries;
using Trailmap.Events;
using Trailmap.Events.ClickHouse;

// Usage: Trailmap.ClickHouseBench URL EVENTS CUSTOMERS ROUNDS
//   URL      clickhouse://HOST:PORT/DATABASE of a cluster (the database is created on first use, on every shard)
//   EVENTS   rows to hold; when the database holds another count, its events are dropped and generated again
// The funnel is e1 -> e2 -> e3 in 7 days. Each round times, in this process, Trailmap's funnel (the ClickHouse engine's
// IAnalytics, SQL and result) and the hand-written windowFunnel query, both over HTTP on the same cluster, alternating
// which goes first. Exits 1 when their step counts differ.
var inv = CultureInfo.InvariantCulture;
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Trailmap.ClickHouseBench clickhouse://HOST:PORT/DATABASE EVENTS CUSTOMERS ROUNDS");
    return 2;
}

var address = ClickHouseAddress.Parse(args[0]);
var events = long.Parse(args[1], inv);
var customers = long.Parse(args[2], inv);
var rounds = int.Parse(args[3], inv);
using var store = ClickHouseEventStore.Open(address);
using var sql = new BenchSql(address);
var db = address.Database;

if (store.Summary().Events != events)
{
    // Straight into the cluster with INSERT ... SELECT, through the Distributed table (so each customer lands on the
    // shard its hash names). Whole seconds, so windowFunnel (DateTime seconds on 18.16) sees the same times as Trailmap.
    foreach (var shard in store.Shards)
    {
        sql.At(shard, $"TRUNCATE TABLE IF EXISTS {db}.events_local");
    }

    var watch = Stopwatch.StartNew();
    const long chunk = 10_000_000;
    for (long start = 0; start < events; start += chunk)
    {
        var n = Math.Min(chunk, events - start);
        sql.Run(
            $"INSERT INTO {db}.events SELECT concat('c', toString(intHash32(number) % {customers})), concat('e', toString(1 + intHash64(number + 7) % 5)), "
            + $"toInt64(1767225600 + intHash64(number + 13) % 2592000) * 1000000, toString(number), '{{}}', toInt64(number + 1), toInt64(1) "
            + $"FROM numbers({start}, {n})",
            "insert_distributed_sync=1");
        Console.Error.WriteLine($"generated {start + n:N0} of {events:N0} events ({watch.Elapsed.TotalSeconds:F0} s)");
    }

    Console.WriteLine($"generated {events:N0} events of up to {customers:N0} customers in {watch.Elapsed.TotalSeconds:F1} s");
}

var spec = FunnelQuery.Spec("e1,e2,e3", "7d", null, null, [], null, []);
var analytics = EventEngines.Analytics(store);
var windowFunnel =
    $"SELECT countIf(level >= 1), countIf(level >= 2), countIf(level >= 3) FROM (SELECT customer_id, "
    + $"windowFunnel(604800)(toDateTime(intDiv(ts_us, 1000000)), event = 'e1', event = 'e2', event = 'e3') AS level "
    + $"FROM {db}.events WHERE event IN ('e1', 'e2', 'e3') GROUP BY customer_id) SETTINGS distributed_group_by_no_merge = 1";

var trailmapTimes = new List<double>();
var handTimes = new List<double>();
long[]? trailmapCounts = null;
long[]? handCounts = null;
for (var round = 0; round < rounds; round++)
{
    for (var turn = 0; turn < 2; turn++)
    {
        var watch = Stopwatch.StartNew();
        if ((round + turn) % 2 == 0)
        {
            var result = analytics.Funnel(spec);
            trailmapTimes.Add(watch.Elapsed.TotalSeconds);
            trailmapCounts = [.. result.Steps.Select(s => s.Customers)];
        }
        else
        {
            handCounts = [.. sql.Run(windowFunnel, null).Trim().Split('\t').Select(x => long.Parse(x, inv))];
            handTimes.Add(watch.Elapsed.TotalSeconds);
        }
    }

    Console.Error.WriteLine($"round {round + 1}: Trailmap {trailmapTimes[^1]:F2} s, windowFunnel {handTimes[^1]:F2} s");
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
}

Console.WriteLine($"# ClickHouse funnel bench: {events:N0} events, up to {customers:N0} customers, {store.Shards.Count} shards, {rounds} rounds");
Console.WriteLine();
Console.WriteLine("| query | customers per step | median s | all rounds (s) |");
Console.WriteLine("|---|---|---:|---|");
Console.WriteLine($"| Trailmap funnel (ClickHouse engine) | {string.Join(" / ", trailmapCounts!)} | {Median(trailmapTimes):F2} | {string.Join(", ", trailmapTimes.Select(t => t.ToString("F2", inv)))} |");
Console.WriteLine($"| hand-written windowFunnel | {string.Join(" / ", handCounts!)} | {Median(handTimes):F2} | {string.Join(", ", handTimes.Select(t => t.ToString("F2", inv)))} |");
Console.WriteLine();
Console.WriteLine($"ratio Trailmap / windowFunnel (medians): {Median(trailmapTimes) / Median(handTimes):F2}x");
if (!trailmapCounts!.SequenceEqual(handCounts!))
{
    Console.WriteLine("step counts differ");
    return 1;
}

return 0;
