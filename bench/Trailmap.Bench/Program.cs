using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Bench;
using Trailmap.Events;
using Duration = Trailmap.Journeys.Model.Duration;

// One run, one data set: DuckDB SQL, Trailmap and ClickHouse on the same generated events. See docs/performance.md.
var options = BenchOptions.Parse(args);
if (options.Child is { } child)
{
    return RunChild(child, options.StorePath!);
}

var inv = CultureInfo.InvariantCulture;
var data = new SyntheticData(options.DataDirectory, options.Events, options.Customers);
Console.WriteLine($"# Trailmap bench: {options.Events:N0} events, {options.Customers:N0} customers");
Console.WriteLine();
Console.WriteLine($"- machine: {Environment.ProcessorCount} cores ({CpuModel()}), {Measure.MB(MemTotal())} RAM, {RuntimeInformation.OSDescription}");
Console.WriteLine($"- .NET {Environment.Version}, DuckDB {SyntheticData.Version()}, Release build, workstation GC");
Console.WriteLine("- timings: median of 5 runs after one warm-up unless marked 'once'; the machine is shared, so expect noise");

var bandwidth = Measure.ReadBandwidth();
Console.WriteLine($"- measured read bandwidth (parallel vectorised sum of 512 MB): {bandwidth / 1e9:0.0} GB/s");

var (generate, generated) = Measure.Once(data.EnsureParquet);
Console.WriteLine($"- data: {data.ParquetPath} ({(generated ? "generated in " + Measure.Seconds(generate) : "cached from an earlier run")})");
var (storeLoad, _) = Measure.Once(() =>
{
    data.BuildStore();
    return 0;
});
Console.WriteLine($"- DuckDB store {data.StorePath} loaded from Parquet in {Measure.Seconds(storeLoad)} (once)");
Console.WriteLine();

// DuckDB SQL baselines on the store file.
TimeSpan sqlFunnel, sqlRetention;
long[] sqlCounts, sqlRet;
using (var connection = SyntheticData.Open(data.StorePath))
{
    (sqlFunnel, sqlCounts) = Measure.Median(() => SqlBaselines.Funnel(connection));
    (sqlRetention, sqlRet) = Measure.Median(() => SqlBaselines.Retention(connection));
}

// Trailmap: the store -> EventLog load once, then the engines.
var (load, log) = Measure.Once(() =>
{
    using var store = StoreAccess.OpenExisting(data.StorePath);
    return store.LoadEventLog(new EventLogQuery { IncludeTraits = false });
});
var funnelSpec = new FunnelSpec
{
    Steps = [.. SqlBaselines.Steps.Select(s => new FunnelStep(s))],
    Window = Duration.Parse("7d"),
};
var (funnel, funnelResult) = Measure.Median(() => FunnelEngine.Run(log, funnelSpec));
var retentionSpec = new RetentionSpec
{
    StartEvent = new FunnelStep("e1"),
    Period = RetentionPeriod.Week,
    Periods = 8,
    Bucket = RetentionBucket.On,
};
var (retention, retentionTable) = Measure.Median(() => RetentionEngine.Run(log, retentionSpec));
var eventCount = log.EventCount;
var customerCount = log.CustomerCount;
log = null;
GC.Collect();

// Peak memory, each engine in its own process so one's buffers do not count against the other.
var trailmapMemory = ChildMemory("trailmap", data.StorePath);
var duckdbMemory = ChildMemory("duckdb", data.StorePath);

ClickHouseResult ch;
if (options.SkipClickHouse)
{
    ch = new ClickHouseResult(options.SkipReason ?? "skipped with --skip-clickhouse");
}
else
{
    data.EnsureTsv();
    ch = ClickHouseBaseline.Run(data.TsvPath);
}

Console.WriteLine(ch.SkipReason is null
    ? $"- ClickHouse {ch.Version} (Debian package) on 127.0.0.1, temp dir; TSV load + OPTIMIZE FINAL {Measure.Seconds(ch.Load)} (once); times are the server's query_duration_ms"
    : $"- ClickHouse comparison SKIPPED: {ch.SkipReason}");
Console.WriteLine();

Console.WriteLine("## Funnel: e1 -> e2 -> e3 -> e4 -> e5, 7-day window");
Console.WriteLine();
Console.WriteLine("| Step | Trailmap (exact windowFunnel semantics) | DuckDB SQL (first entry) | ClickHouse windowFunnel |");
Console.WriteLine("|---|---:|---:|---:|");
for (var k = 0; k < SqlBaselines.Steps.Length; k++)
{
    var chCount = ch.Reached is { } r ? r[k].ToString("N0", inv) : "n/a";
    Console.WriteLine($"| {SqlBaselines.Steps[k]} | {funnelResult.Steps[k].Customers:N0} | {sqlCounts[k]:N0} | {chCount} |");
}

Console.WriteLine();
Console.WriteLine("The SQL keeps only each customer's first e1 as the chain start, so it can count fewer customers than the exact");
Console.WriteLine("semantics, where any later e1 starts a new 7-day chain. Trailmap and ClickHouse should agree except on same-second ties.");
Console.WriteLine();

Console.WriteLine("## Retention: start e1, return any event, rolling weeks 0..8, 'on' buckets (summed over cohorts)");
Console.WriteLine();
Console.WriteLine("| | customers | " + string.Join(" | ", Enumerable.Range(0, 9).Select(k => $"w{k}")) + " |");
Console.WriteLine("|---|---:|" + string.Concat(Enumerable.Repeat("---:|", 9)));
var tmRet = new long[10];
foreach (var cohort in retentionTable.Cohorts)
{
    tmRet[0] += cohort.Size;
    for (var k = 0; k <= 8; k++)
    {
        tmRet[k + 1] += cohort.Retained[k];
    }
}

Console.WriteLine("| Trailmap | " + string.Join(" | ", tmRet.Select(x => x.ToString("N0", inv))) + " |");
Console.WriteLine("| DuckDB SQL | " + string.Join(" | ", sqlRet.Select(x => x.ToString("N0", inv))) + " |");
Console.WriteLine();
Console.WriteLine(tmRet.SequenceEqual(sqlRet) ? "Retention counts match exactly." : "Retention counts DIFFER: see the rows above.");
Console.WriteLine();

// The floor: the kernel must at least read each event's name id (4 B) and timestamp (8 B). What FunnelEngine.Run
// actually touches: the mask pass reads name id + timestamp and writes a 4-byte mask; the kernel reads mask +
// timestamp; per customer it reads 2 offsets and writes a level, a start event and 5 chain times.
var minimalBytes = eventCount * 12.0;
var actualBytes = (eventCount * 28.0) + (customerCount * 56.0);
var minimalFloor = TimeSpan.FromSeconds(minimalBytes / bandwidth);
var actualFloor = TimeSpan.FromSeconds(actualBytes / bandwidth);

Console.WriteLine("## Times");
Console.WriteLine();
Console.WriteLine("| What | Time |");
Console.WriteLine("|---|---:|");
Console.WriteLine($"| DuckDB SQL funnel (first-entry joins) | {Measure.Seconds(sqlFunnel)} |");
Console.WriteLine($"| Trailmap load: store -> EventLog (once) | {Measure.Seconds(load)} |");
Console.WriteLine($"| Trailmap FunnelEngine.Run | {Measure.Seconds(funnel)} |");
Console.WriteLine($"| Trailmap load + funnel | {Measure.Seconds(load + funnel)} |");
Console.WriteLine($"| ClickHouse windowFunnel | {(ch.SkipReason is null ? Measure.Seconds(ch.Median) : "skipped")} |");
Console.WriteLine($"| Physical floor, 12 B/event ({minimalBytes / 1e6:0} MB / {bandwidth / 1e9:0.0} GB/s) | {Measure.Seconds(minimalFloor)} |");
Console.WriteLine($"| Physical floor, bytes FunnelEngine.Run touches ({actualBytes / 1e6:0} MB) | {Measure.Seconds(actualFloor)} |");
Console.WriteLine($"| DuckDB SQL retention | {Measure.Seconds(sqlRetention)} |");
Console.WriteLine($"| Trailmap RetentionEngine.Run | {Measure.Seconds(retention)} |");
Console.WriteLine();

Console.WriteLine("## Memory (peak resident set, VmHWM, each engine in a fresh process)");
Console.WriteLine();
Console.WriteLine("| What | Peak RSS | Before the work | Delta |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine($"| Trailmap load + funnel | {Measure.MB(trailmapMemory.Peak)} | {Measure.MB(trailmapMemory.Baseline)} | {Measure.MB(trailmapMemory.Peak - trailmapMemory.Baseline)} |");
Console.WriteLine($"| Trailmap, peak by the end of the load (store -> EventLog) | {Measure.MB(trailmapMemory.AfterLoad)} | | |");
Console.WriteLine($"| Trailmap, managed heap holding the loaded EventLog (after a full GC) | {Measure.MB(trailmapMemory.Heap)} | | |");
Console.WriteLine($"| DuckDB SQL funnel | {Measure.MB(duckdbMemory.Peak)} | {Measure.MB(duckdbMemory.Baseline)} | {Measure.MB(duckdbMemory.Peak - duckdbMemory.Baseline)} |");
Console.WriteLine($"| ClickHouse windowFunnel (query_log memory_usage) | {(ch.SkipReason is null ? Measure.MB(ch.MemoryBytes) : "skipped")} | | |");
Console.WriteLine();

// Extrapolation: the start-up resident set stays, the growth during load + funnel scales with the event count.
var perEvent = (double)(trailmapMemory.Peak - trailmapMemory.Baseline) / eventCount;
Console.WriteLine("## Ratios (lower is better for Trailmap)");
Console.WriteLine();
Console.WriteLine("| Ratio | Value | Goal |");
Console.WriteLine("|---|---:|---|");
var engineVsSql = funnel / sqlFunnel;
Console.WriteLine($"| Trailmap funnel engine / DuckDB SQL funnel | {Measure.Ratio(engineVsSql)} | <= 0.50x, then 0.25x: {(engineVsSql <= 0.25 ? "met (both)" : engineVsSql <= 0.5 ? "0.50x met, 0.25x not yet" : "MISSED")} |");
Console.WriteLine($"| Trailmap load + funnel / DuckDB SQL funnel | {Measure.Ratio((load + funnel) / sqlFunnel)} | (honest end-to-end) |");
Console.WriteLine($"| Trailmap funnel engine / ClickHouse windowFunnel | {(ch.SkipReason is null ? Measure.Ratio(funnel / ch.Median) : "skipped")} | |");
Console.WriteLine($"| Trailmap funnel engine / floor at 12 B/event | {Measure.Ratio(funnel / minimalFloor)} | 1.00x is the physical limit |");
Console.WriteLine($"| Trailmap funnel engine / floor at the bytes it touches | {Measure.Ratio(funnel / actualFloor)} | |");
Console.WriteLine($"| Trailmap retention / DuckDB SQL retention | {Measure.Ratio(retention / sqlRetention)} | |");
Console.WriteLine($"| Trailmap peak RSS (load + funnel) / DuckDB SQL funnel peak RSS | {Measure.Ratio((double)trailmapMemory.Peak / duckdbMemory.Peak)} | |");
var at100M = options.Events >= 100_000_000 ? trailmapMemory.Peak : trailmapMemory.Baseline + (perEvent * 100_000_000);
var label = options.Events >= 100_000_000 ? "measured" : $"EXTRAPOLATED: start-up RSS + {perEvent:0} B/event x 100M, from {options.Events:N0} events";
Console.WriteLine($"| Trailmap peak RSS at 100M events ({label}) | {Measure.MB((long)at100M)} | <= 4096 MB: {(at100M <= 4096.0 * 1048576 ? "met" : "MISSED")} |");
return 0;

static int RunChild(string child, string storePath)
{
    var baseline = Measure.ProcStatusBytes("VmRSS");
    long afterLoad = -1, heap = -1;
    if (child == "trailmap")
    {
        using var store = StoreAccess.OpenExisting(storePath);
        var log = store.LoadEventLog(new EventLogQuery { IncludeTraits = false });
        afterLoad = Measure.ProcStatusBytes("VmHWM");
        heap = GC.GetTotalMemory(forceFullCollection: true);
        var spec = new FunnelSpec { Steps = [.. SqlBaselines.Steps.Select(s => new FunnelStep(s))], Window = Duration.Parse("7d") };
        GC.KeepAlive(FunnelEngine.Run(log, spec));
    }
    else
    {
        using var connection = SyntheticData.Open(storePath);
        GC.KeepAlive(SqlBaselines.Funnel(connection));
    }

    Console.WriteLine($"{baseline} {Measure.ProcStatusBytes("VmHWM")} {afterLoad} {heap}");
    return 0;
}

static (long Baseline, long Peak, long AfterLoad, long Heap) ChildMemory(string child, string storePath)
{
    var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
    using var process = Process.Start(new ProcessStartInfo(self, ["--child", child, "--store", storePath]) { RedirectStandardOutput = true })
        ?? throw new InvalidOperationException("could not start the memory probe");
    var output = process.StandardOutput.ReadToEnd().Trim().Split(' ');
    process.WaitForExit();
    return (long.Parse(output[0], CultureInfo.InvariantCulture), long.Parse(output[1], CultureInfo.InvariantCulture),
        long.Parse(output[2], CultureInfo.InvariantCulture), long.Parse(output[3], CultureInfo.InvariantCulture));
}

static long MemTotal()
{
    var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
