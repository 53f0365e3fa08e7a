using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap funnel --step-window</c> and <c>--people</c>, end to end; numbers worked out by hand.</summary>
public sealed class FunnelDepthCommandTests : IDisposable
{
    // a: View, Cart 30 min later, Buy 2 h after the cart. b: View, Cart 3 h later. c: View only.
    private const string Events = """
        user_id,event,timestamp
        a,View,2026-01-01T00:00:00Z
        a,Cart,2026-01-01T00:30:00Z
        a,Buy,2026-01-01T02:30:00Z
        b,View,2026-01-01T00:00:00Z
        b,Cart,2026-01-01T03:00:00Z
        c,View,2026-01-01T00:00:00Z
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-funnel-depth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> CsvAsync()
    {
        var csv = Path.Combine(_dir, "events.csv");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);
        return csv;
    }

    private static long[] Counts(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("customers").GetInt64())];
    }

    // Cart within 1h of View: a (30 min) counts, b (3 h) does not. Buy within 2h of Cart: a's buy is exactly 2 h later.
    [Fact]
    public async Task Step_windows_bound_each_step_from_the_previous_one()
    {
        var csv = await CsvAsync();
        var plain = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--events", csv, "--format", "json");
        plain.ExitCode.ShouldBe(0, plain.ToString());
        Counts(plain.Out).ShouldBe([3L, 2L, 1L]);

        var windows = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--step-window", "2:1h", "--step-window", "3:2h", "--events", csv, "--format", "json");
        windows.ExitCode.ShouldBe(0, windows.ToString());
        Counts(windows.Out).ShouldBe([3L, 1L, 1L]);

        var tight = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--step-window", "3:119m", "--events", csv, "--format", "json");
        Counts(tight.Out).ShouldBe([3L, 2L, 0L]);

        var bad = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--step-window", "1:1h", "--events", csv);
        bad.ExitCode.ShouldBe(1, bad.ToString());
        bad.Err.ShouldContain("--step-window");
    }

    // Dropped after View: c (no cart). Converted from Cart: a. As CSV, every one with the chain's times.
    [Fact]
    public async Task People_lists_a_steps_customers_in_every_format()
    {
        var csv = await CsvAsync();
        var dropped = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--people", "1:dropped", "--events", csv, "--format", "json");
        dropped.ExitCode.ShouldBe(0, dropped.ToString());
        using (var doc = JsonDocument.Parse(dropped.Out))
        {
            doc.RootElement.GetProperty("total").GetInt64().ShouldBe(1);
            doc.RootElement.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customer").GetString()).ShouldBe(["c"]);
        }

        var converted = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--people", "2:converted", "--events", csv, "--format", "csv");
        converted.ExitCode.ShouldBe(0, converted.ToString());
        converted.Out.ShouldBe("customer,reached_at_utc,next_step_at_utc\r\na,2026-01-01T00:30:00.000000Z,2026-01-01T02:30:00.000000Z\r\n");

        // The default outcome is dropped: after Cart, b.
        var table = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--people", "2", "--events", csv);
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ShouldContain("1 customers reached step 2 (Cart) and not step 3");
        table.Out.ShouldContain("b");

        var last = await CliRun.RunAsync("funnel", "--steps", "View,Cart,Buy", "--people", "3:dropped", "--events", csv);
        last.ExitCode.ShouldBe(1, last.ToString());
        last.Err.ShouldContain("--people");
    }

    // Funnel View -> Buy: a converted, b and c dropped. Cart in the span: a (before its buy), b (inside 14 days), not c:
    // converted with 1, without 0; dropped with 1, without 1. A zero cell: OR = (1.5 * 1.5) / (0.5 * 1.5) = 3.
    [Fact]
    public async Task Correlation_ranks_the_events_of_the_funnel()
    {
        var csv = await CsvAsync();
        var run = await CliRun.RunAsync("funnel", "--steps", "View,Buy", "--correlation", "--events", csv, "--format", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        doc.RootElement.GetProperty("correlation_test").GetString()!.ShouldStartWith("Wald test of the log odds ratio");
        var cart = doc.RootElement.GetProperty("correlations").EnumerateArray().ShouldHaveSingleItem();
        (cart.GetProperty("kind").GetString(), cart.GetProperty("name").GetString()).ShouldBe(("event", "Cart"));
        (cart.GetProperty("converted_with").GetInt64(), cart.GetProperty("converted_without").GetInt64(), cart.GetProperty("dropped_with").GetInt64(), cart.GetProperty("dropped_without").GetInt64())
            .ShouldBe((1L, 0L, 1L, 1L));
        cart.GetProperty("odds_ratio").GetDouble().ShouldBe(3, 1e-12);
        cart.GetProperty("direction").GetString().ShouldBe("conversion");

        var table = await CliRun.RunAsync("funnel", "--steps", "View,Buy", "--correlation", "--events", csv);
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ShouldContain("Correlation with conversion");

        var unordered = await CliRun.RunAsync("funnel", "--steps", "View,Buy", "--mode", "unordered", "--correlation", "--events", csv);
        unordered.ExitCode.ShouldBe(1, unordered.ToString());
        unordered.Err.ShouldContain("--correlation");
    }
}
