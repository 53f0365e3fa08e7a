using System.Globalization;
using Trailmap.DataPathBench;

// The DuckDB side of bench/data-path-bench.sh. Every command is one fresh process, so the script can time it and read
// its peak RSS with /usr/bin/time, exactly like the `trailmap` commands it is compared with.
//   generate DIR EVENTS CUSTOMERS    writes DIR/events.csv from DuckDB range() and hashes (deterministic)
//   funnel-first STORE               first-visit chain SQL over a Trailmap store; prints the 5 step counts
//   funnel-exact STORE               windowFunnel-semantics SQL (every e1 starts a chain); prints the 5 step counts
//   retention STORE                  rolling-week retention SQL; prints start count and weeks 0..8
//   load-csv CSV DATABASE            DuckDB's own CREATE TABLE AS SELECT * FROM read_csv(CSV) into a new file; prints rows
return args switch
{
    ["generate", var dir, var events, var customers] =>
        Generator.Write(dir, long.Parse(events, CultureInfo.InvariantCulture), long.Parse(customers, CultureInfo.InvariantCulture)),
    ["funnel-first", var store] => DataPathSql.Print(store, DataPathSql.FunnelFirstVisit),
    ["funnel-exact", var store] => DataPathSql.Print(store, DataPathSql.FunnelExact),
    ["retention", var store] => DataPathSql.Print(store, DataPathSql.Retention),
    ["load-csv", var csv, var database] => DataPathSql.LoadCsv(csv, database),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: generate DIR EVENTS CUSTOMERS | funnel-first STORE | funnel-exact STORE | retention STORE | load-csv CSV DATABASE");
    return 2;
}
