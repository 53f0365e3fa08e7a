using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Trailmap.Events;

// Usage:
//   generate FILE ROWS          writes a deterministic REES46-like CSV
//   compare FILE WORKDIR REPS   times DuckDB's CTAS over read_csv and Trailmap's import, alternating, REPS times each
//   sql DB "SQL; SQL"           runs statements and prints their rows with timings (for exploring DuckDB's behaviour)
return args switch
{
    ["generate", var file, var rows] => Bench.Generate(file, long.Parse(rows, CultureInfo.InvariantCulture)),
    ["compare", var file, var dir, var reps] => Bench.Compare(file, dir, int.Parse(reps, CultureInfo.InvariantCulture)),
    ["sql", var db, var sql] => Bench.Sql(db, sql),
    _ => Bench.Usage(),
};

internal static class Bench
{
    private static readonly string[] Brands =
        ["samsung", "apple", "xiaomi", "huawei", "lucente", "cordiant", "sony", "lg", "bosch", "acer", "lenovo", "respect", "shiseido", "aqua", "nokian"];

    private static readonly string[] Categories =
        ["electronics.smartphone", "appliances.kitchen.refrigerators", "computers.notebook", "furniture.living_room.sofa",
         "apparel.shoes", "electronics.audio.headphone", "appliances.environment.water_heater", "auto.accessories.player"];

    public static int Usage()
    {
        Console.Error.WriteLine("usage: generate FILE ROWS | compare FILE WORKDIR REPS | sql DB SQL");
        return 2;
    }

    /// <summary>
    /// A REES46-shaped log: time-ordered October 2019 events, ~1 user per 10 rows with a skew toward heavy
    /// users, 90% views, ~15% empty brands and ~30% empty categories, prices with two decimals.
    /// A fixed-seed SplitMix64 keeps the file byte-identical across runs and .NET versions.
    /// </summary>
    public static int Generate(string file, long rows)
    {
        var state = 0x5EED_2019_1001UL;
        ulong Next()
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        double Uniform() => (Next() >> 11) * (1.0 / (1UL << 53));

        var users = Math.Max(1, rows / 10);
        var start = new DateTime(2019, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var seconds = 31.0 * 24 * 3600;
        using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.WriteLine("user_id,event_type,event_time,product_id,price,brand,category");
        for (long i = 0; i < rows; i++)
        {
            var user = 512_000_000 + (long)(users * Math.Pow(Uniform(), 2));
            var roll = Uniform();
            var type = roll < 0.90 ? "view" : roll < 0.96 ? "cart" : roll < 0.98 ? "remove_from_cart" : "purchase";
            var time = start.AddSeconds(Math.Floor(seconds * i / rows));
            var product = 1_000_000 + (long)(Next() % 59_000_000);
            var price = (Next() % 250_000) / 100.0;
            var brand = Uniform() < 0.15 ? "" : Brands[Next() % (ulong)Brands.Length];
            var category = Uniform() < 0.30 ? "" : Categories[Next() % (ulong)Categories.Length];
            writer.Write(user.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(type);
            writer.Write(',');
            writer.Write(time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            writer.Write(" UTC,");
            writer.Write(product.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(price.ToString("0.00", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(brand);
            writer.Write(',');
            writer.Write(category);
            writer.Write('\n');
        }

        return 0;
    }

    /// <summary>
    /// Both sides open a fresh database file, load the CSV and close (so the checkpoint to disk is counted
    /// for both). Runs alternate DuckDB / Trailmap so drift on a shared machine hits both alike.
    /// </summary>
    public static int Compare(string file, string dir, int reps)
    {
        Directory.CreateDirectory(dir);
        _ = File.ReadAllBytes(file); // warm the page cache so the first run is not the only cold one
        var duck = new List<double>();
        var trail = new List<double>();
        var duckCpu = new List<double>();
        var trailCpu = new List<double>();
        var process = Process.GetCurrentProcess();
        double Cpu()
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }

        string version;
        using (var c = new DuckDBConnection("DataSource=:memory:"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT version()";
            version = (string)cmd.ExecuteScalar()!;
        }

        long imported = 0;
        for (var r = 0; r < reps; r++)
        {
            var db = Fresh(Path.Combine(dir, "duckdb.duckdb"));
            var cpu = Cpu();
            var clock = Stopwatch.StartNew();
            using (var c = new DuckDBConnection("DataSource=" + db))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "CREATE TABLE t AS SELECT * FROM read_csv($file)";
                cmd.Parameters.Add(new DuckDBParameter("file", file));
                cmd.ExecuteNonQuery();
            }

            duck.Add(clock.Elapsed.TotalSeconds);
            duckCpu.Add(Cpu() - cpu);
            Console.WriteLine($"run {r + 1}: duckdb   {duck[^1]:F2} s wall, {duckCpu[^1]:F2} s cpu");

            var storePath = Fresh(Path.Combine(dir, "trailmap.duckdb"));
            cpu = Cpu();
            clock.Restart();
            using (var store = EventStore.Open(storePath))
            {
                var summary = EventImporter.Import(store, [file], new ImportOptions { RejectsPath = Path.Combine(dir, "rejects.csv") });
                imported = summary.Imported;
                if (summary.Rejected > 0)
                {
                    Console.Error.WriteLine($"unexpected rejects: {summary.Rejected}");
                    return 1;
                }
            }

            trail.Add(clock.Elapsed.TotalSeconds);
            trailCpu.Add(Cpu() - cpu);
            Console.WriteLine($"run {r + 1}: trailmap {trail[^1]:F2} s wall, {trailCpu[^1]:F2} s cpu ({imported:N0} events)");
        }

        var d = Median(duck);
        var t = Median(trail);
        Console.WriteLine($"DuckDB {version} via DuckDB.NET, {Environment.ProcessorCount} cores, {reps} runs each");
        Console.WriteLine($"duckdb   median {d:F2} s  (runs: {string.Join(", ", duck.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))})");
        Console.WriteLine($"trailmap median {t:F2} s  (runs: {string.Join(", ", trail.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))})");
        Console.WriteLine($"cpu: duckdb median {Median(duckCpu):F2} s, trailmap median {Median(trailCpu):F2} s");
        Console.WriteLine($"load average at the end: {LoadAverage()}");
        Console.WriteLine($"throughput ratio trailmap/duckdb = {d / t:F2}x (wall-clock medians)");
        return 0;
    }

    public static int Sql(string db, string sql)
    {
        using var c = new DuckDBConnection("DataSource=" + db);
        c.Open();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = statement;
            var clock = Stopwatch.StartNew();
            using var reader = cmd.ExecuteReader();
            var shown = 0;
            while (reader.Read() && shown++ < 50)
            {
                Console.WriteLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
            }

            Console.WriteLine($"-- {clock.Elapsed.TotalMilliseconds:F0} ms: {statement[..Math.Min(80, statement.Length)]}");
        }

        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Fresh(string path)
    {
        File.Delete(path);
        File.Delete(path + ".wal");
        return path;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
