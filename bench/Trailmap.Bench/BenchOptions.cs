using System.Globalization;

namespace Trailmap.Bench;

/// <summary>Command-line options; run.sh passes them through.</summary>
internal sealed record BenchOptions
{
    public long Events { get; init; } = 10_000_000;

    /// <summary>Defaults to one customer per 10 events.</summary>
    public long Customers { get; init; }

    public bool SkipClickHouse { get; init; }

    /// <summary>Why run.sh skipped ClickHouse (package missing, no root), printed in the report.</summary>
    public string? SkipReason { get; init; }

    public string DataDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>Set only in the memory probe processes: "trailmap" or "duckdb".</summary>
    public string? Child { get; init; }

    public string? StorePath { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--events" => options with { Events = long.Parse(Next(), CultureInfo.InvariantCulture) },
                "--customers" => options with { Customers = long.Parse(Next(), CultureInfo.InvariantCulture) },
                "--100m" => options with { Events = 100_000_000 },
                "--skip-clickhouse" => options with { SkipClickHouse = true },
                "--skip-reason" => options with { SkipClickHouse = true, SkipReason = Next() },
                "--data-dir" => options with { DataDirectory = Next() },
                "--child" => options with { Child = Next() },
                "--store" => options with { StorePath = Next() },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options.Customers > 0 ? options : options with { Customers = Math.Max(1, options.Events / 10) };
    }
}
