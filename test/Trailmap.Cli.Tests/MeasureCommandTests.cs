using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>The measurement commands end to end on a real DuckDB store; expectations worked out by hand.</summary>
public sealed class MeasureCommandTests : IDisposable
{
    // u1: View, Other, Cart (10 min), Buy (20 min). u2: View, Cart two days later. u3: View, Buy an hour later.
    private const string Events = """
        user_id,event,timestamp
        u1,View,2026-01-01T00:00:00Z
        u1,Other,2026-01-01T00:05:00Z
        u1,Cart,2026-01-01T00:10:00Z
        u1,Buy,2026-01-01T00:20:00Z
        u2,View,2026-01-01T00:00:00Z
        u2,Cart,2026-01-03T00:00:00Z
        u3,View,2026-01-01T00:00:00Z
        u3,Buy,2026-01-01T01:00:00Z
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-measure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    private async Task<(string Csv, string Db)> ImportedAsync()
    {
        var csv = Path("events.csv");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);
        var db = Path("store.duckdb");
        var run = await CliRun.RunAsync("import", csv, "--db", db);
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Err.ShouldContain("imported 8 events from 8 rows: 0 duplicates skipped, 0 rejected");
        return (csv, db);
    }

    private static long[] StepCounts(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("customers").GetInt64())];
    }

    [Fact]
    public async Task Importing_the_same_file_twice_adds_nothing()
    {
        var (csv, db) = await ImportedAsync();
        var again = await CliRun.RunAsync("import", csv, "--db", db);
        again.ExitCode.ShouldBe(0);
        again.Err.ShouldContain("imported 0 events from 8 rows: 8 duplicates skipped");
        var status = await CliRun.RunAsync("status", "--db", db);
        status.Out.ShouldContain("8 events, 3 customers");
    }

    [Fact]
    public async Task Funnel_counts_customers_per_step_within_the_window()
    {
        var (_, db) = await ImportedAsync();
        // 1d window: u2's cart comes 2 days after its view, so only u1 reaches Cart and Buy.
        var day = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--window", "1d", "--db", db, "--format", "json");
        day.ExitCode.ShouldBe(0, day.ToString());
        StepCounts(day.Out).ShouldBe([3L, 1L, 1L]);
        // 14d: u2's cart now counts.
        var twoWeeks = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--db", db, "--format", "json");
        StepCounts(twoWeeks.Out).ShouldBe([3L, 2L, 1L]);
        // Strict order: u1's Other between View and Cart ends its scan at level 1; u3's Buy skips Cart.
        var strict = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--mode", "strict-order", "--db", db, "--format", "json");
        StepCounts(strict.Out).ShouldBe([3L, 1L, 0L]);
    }

    [Fact]
    public async Task Funnel_reads_an_events_file_directly_and_prints_a_table()
    {
        var csv = Path("events.csv");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);
        var run = await CliRun.RunAsync("funnel", "--steps", "View,Cart", "--events", csv);
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("View");
        run.Out.ShouldContain("66.7%");
        File.Exists("trailmap.duckdb").ShouldBeFalse("--events must not create a store");
    }

    [Fact]
    public async Task Retention_json_has_cohorts_with_size_and_retained_per_period()
    {
        var (_, db) = await ImportedAsync();
        var run = await CliRun.RunAsync("retention", "--start", "View", "--return", "any", "--period", "day", "--periods", "2", "--db", db, "--format", "json");
        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        var cohort = doc.RootElement.GetProperty("cohorts").EnumerateArray().Single();
        cohort.GetProperty("cohort").GetString().ShouldBe("2026-01-01");
        cohort.GetProperty("size").GetInt64().ShouldBe(3);
        // Day 0 (first 24h): u1 and u3 came back; day 1: nobody; day 2 (48-72h): u2's cart at exactly 48h.
        cohort.GetProperty("retained").EnumerateArray().Select(r => r.GetInt64()).ShouldBe([2L, 0L, 1L]);
    }

    [Fact]
    public async Task Paths_after_an_event_count_customers()
    {
        var (_, db) = await ImportedAsync();
        var run = await CliRun.RunAsync("paths", "--from", "View", "--depth", "1", "--db", db, "--format", "json");
        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        var paths = doc.RootElement.GetProperty("paths").EnumerateArray()
            .ToDictionary(p => string.Join(">", p.GetProperty("events").EnumerateArray().Select(e => e.GetString())), p => p.GetProperty("customers").GetInt64());
        // The first event after View: u1 Other, u2 Cart, u3 Buy.
        paths.ShouldBe(new Dictionary<string, long> { ["Other"] = 1, ["Cart"] = 1, ["Buy"] = 1 }, ignoreOrder: true);
    }

    [Fact]
    public async Task Analyze_writes_actuals_that_render_on_the_map()
    {
        var (_, db) = await ImportedAsync();
        var journey = Path("j.yaml");
        await File.WriteAllTextAsync(journey, """
            id: shop
            title: Shop
            stages:
              - { id: view, name: View, entry: View, kpis: [{ id: carts, name: Carts, type: rate, event: Cart, target: ">= 50%" }] }
              - { id: cart, name: Cart, entry: Cart, kpis: [{ id: view-cart, name: View to cart, type: conversion, target: ">= 50%" }] }
              - { id: buy, name: Buy, entry: Buy, kpis: [{ id: cart-buy, name: Cart to buy, type: conversion, target: ">= 90%" }] }
            """, TestContext.Current.CancellationToken);
        var actuals = Path("actuals.json");
        var run = await CliRun.RunAsync("analyze", journey, "--db", db, "--format", "actuals", "-o", actuals);
        run.ExitCode.ShouldBe(0, run.ToString());
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(actuals, TestContext.Current.CancellationToken)))
        {
            // Unbounded journey window: View 3, Cart 2 (u1, u2), Buy after Cart 1 (u1; u3 bought without a cart).
            doc.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("reached").GetInt64()).ShouldBe([3L, 2L, 1L]);
            var kpis = doc.RootElement.GetProperty("kpis").EnumerateArray().ToDictionary(k => k.GetProperty("id").GetString()!);
            // 2 of 3 viewers carted: 66.7% meets 50%. 1 of 2 carts bought: 50% misses 90%.
            kpis["view-cart"].GetProperty("status").GetString().ShouldBe("met");
            kpis["cart-buy"].GetProperty("actual").GetDouble().ShouldBe(0.5);
            kpis["cart-buy"].GetProperty("status").GetString().ShouldBe("missed");
            doc.RootElement.GetProperty("bottleneck").GetString().ShouldBe("buy");
        }

        var md = await CliRun.RunAsync("render", journey, "--format", "md", "--actuals", actuals);
        md.ExitCode.ShouldBe(0, md.ToString());
        md.Out.ShouldContain("50%");
        var table = await CliRun.RunAsync("analyze", journey, "--db", db);
        table.Out.ShouldContain("Cart to buy");
    }

    [Fact]
    public async Task Analyze_prints_the_actual_of_a_kpi_without_a_target_and_no_target()
    {
        var (_, db) = await ImportedAsync();
        var journey = Path("j.yaml");
        await File.WriteAllTextAsync(journey, """
            id: shop
            title: Shop
            stages:
              - { id: view, name: View, entry: View, kpis: [{ id: views, name: Views, type: count, event: View }] }
            """, TestContext.Current.CancellationToken);
        var table = await CliRun.RunAsync("analyze", journey, "--db", db);
        table.ExitCode.ShouldBe(0, table.ToString());
        // u1, u2 and u3 each viewed once: 3 View events, with no target to meet.
        var row = table.Out.Split('\n').Single(l => l.Contains("Views", StringComparison.Ordinal));
        row.ShouldContain(" 3 ");
        row.ShouldContain("no target");
        table.Out.ShouldNotContain("no data");
    }

    [Fact]
    public async Task A_row_with_a_bad_timestamp_is_rejected_with_its_line()
    {
        var csv = Path("bad.csv");
        await File.WriteAllTextAsync(csv, "user_id,event,timestamp\nu1,View,2026-01-01T00:00:00Z\nu2,View,yesterday\n", TestContext.Current.CancellationToken);
        var run = await CliRun.RunAsync("import", csv, "--db", Path("s.duckdb"));
        run.Err.ShouldContain("imported 1 events from 2 rows: 0 duplicates skipped, 1 rejected");
        run.Err.ShouldContain($"{csv}:3:");
    }

    [Fact]
    public async Task Without_a_store_the_error_says_how_to_get_one()
    {
        var run = await CliRun.RunAsync("funnel", "--steps", "A,B", "--db", Path("none.duckdb"));
        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain("trailmap import");
    }

    [Fact]
    public async Task Generate_writes_a_deterministic_log_that_imports()
    {
        var a = Path("a.jsonl");
        var b = Path("b.jsonl");
        (await CliRun.RunAsync("generate", "--template", "saas-trial", "--customers", "50", "--seed", "7", "-o", a)).ExitCode.ShouldBe(0);
        (await CliRun.RunAsync("generate", "--template", "saas-trial", "--customers", "50", "--seed", "7", "-o", b)).ExitCode.ShouldBe(0);
        (await File.ReadAllBytesAsync(a, TestContext.Current.CancellationToken)).ShouldBe(await File.ReadAllBytesAsync(b, TestContext.Current.CancellationToken));
        var import = await CliRun.RunAsync("import", a, "--db", Path("g.duckdb"));
        import.ExitCode.ShouldBe(0, import.ToString());
        import.Err.ShouldContain("0 rejected");
    }
}
