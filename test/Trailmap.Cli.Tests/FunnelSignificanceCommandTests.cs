using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap funnel --by</c> with its significance test, end to end; numbers worked out by hand.</summary>
public sealed class FunnelSignificanceCommandTests : IDisposable
{
    // pro: 10 view, 8 buy. free: 20 view, 6 buy.
    private const string Events = "user_id,event,timestamp,plan\np00,View,2026-01-01T00:00:00Z,pro\np00,Buy,2026-01-01T01:00:00Z,pro\np01,View,2026-01-01T00:00:00Z,pro\np01,Buy,2026-01-01T01:00:00Z,pro\np02,View,2026-01-01T00:00:00Z,pro\np02,Buy,2026-01-01T01:00:00Z,pro\np03,View,2026-01-01T00:00:00Z,pro\np03,Buy,2026-01-01T01:00:00Z,pro\np04,View,2026-01-01T00:00:00Z,pro\np04,Buy,2026-01-01T01:00:00Z,pro\np05,View,2026-01-01T00:00:00Z,pro\np05,Buy,2026-01-01T01:00:00Z,pro\np06,View,2026-01-01T00:00:00Z,pro\np06,Buy,2026-01-01T01:00:00Z,pro\np07,View,2026-01-01T00:00:00Z,pro\np07,Buy,2026-01-01T01:00:00Z,pro\np08,View,2026-01-01T00:00:00Z,pro\np09,View,2026-01-01T00:00:00Z,pro\nf00,View,2026-01-01T00:00:00Z,free\nf00,Buy,2026-01-01T01:00:00Z,free\nf01,View,2026-01-01T00:00:00Z,free\nf01,Buy,2026-01-01T01:00:00Z,free\nf02,View,2026-01-01T00:00:00Z,free\nf02,Buy,2026-01-01T01:00:00Z,free\nf03,View,2026-01-01T00:00:00Z,free\nf03,Buy,2026-01-01T01:00:00Z,free\nf04,View,2026-01-01T00:00:00Z,free\nf04,Buy,2026-01-01T01:00:00Z,free\nf05,View,2026-01-01T00:00:00Z,free\nf05,Buy,2026-01-01T01:00:00Z,free\nf06,View,2026-01-01T00:00:00Z,free\nf07,View,2026-01-01T00:00:00Z,free\nf08,View,2026-01-01T00:00:00Z,free\nf09,View,2026-01-01T00:00:00Z,free\nf10,View,2026-01-01T00:00:00Z,free\nf11,View,2026-01-01T00:00:00Z,free\nf12,View,2026-01-01T00:00:00Z,free\nf13,View,2026-01-01T00:00:00Z,free\nf14,View,2026-01-01T00:00:00Z,free\nf15,View,2026-01-01T00:00:00Z,free\nf16,View,2026-01-01T00:00:00Z,free\nf17,View,2026-01-01T00:00:00Z,free\nf18,View,2026-01-01T00:00:00Z,free\nf19,View,2026-01-01T00:00:00Z,free\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-significance-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // pro 8/10 against free 6/20: pooled 14/30, z = (0.8 - 0.3) / sqrt(14/30 * 16/30 * (1/10 + 1/20)) = 2.58775,
    // p = erfc(2.58775 / sqrt 2) = 0.0096606; free's z is the same negated. Holm over 2: 2 * 0.0096606 = 0.0193212 for
    // both, below 0.05: pro converts significantly more, free less.
    [Fact]
    public async Task A_breakdown_reports_each_values_test_against_the_rest()
    {
        var csv = Path.Combine(_dir, "events.csv");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("funnel", "--steps", "View,Buy", "--by", "plan", "--events", csv, "--format", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        doc.RootElement.GetProperty("significance_test").GetString().ShouldBe("two-proportion z-test (pooled, two-sided), each value against the rest, Holm-adjusted");
        var tests = doc.RootElement.GetProperty("significance").EnumerateArray().ToList();
        tests.Select(t => t.GetProperty("value").GetString()).ShouldBe(["free", "pro"]);
        var pro = tests[1];
        (pro.GetProperty("entered").GetInt64(), pro.GetProperty("converted").GetInt64(), pro.GetProperty("rest_entered").GetInt64(), pro.GetProperty("rest_converted").GetInt64())
            .ShouldBe((10L, 8L, 20L, 6L));
        pro.GetProperty("z").GetDouble().ShouldBe(2.5877458475338284, 1e-9);
        pro.GetProperty("p_value").GetDouble().ShouldBe(0.009660622997484956, 1e-12);
        pro.GetProperty("adjusted_p_value").GetDouble().ShouldBe(0.019321245994969913, 1e-12);
        pro.GetProperty("significant").GetBoolean().ShouldBeTrue();
        tests[0].GetProperty("z").GetDouble().ShouldBe(-2.5877458475338284, 1e-9);
        tests[0].GetProperty("adjusted_p_value").GetDouble().ShouldBe(0.019321245994969913, 1e-12);

        var table = await CliRun.RunAsync("funnel", "--steps", "View,Buy", "--by", "plan", "--events", csv);
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ShouldContain("Holm-adjusted");
        table.Out.ShouldContain("higher");
        table.Out.ShouldContain("lower");
    }

    // Every view is on Thursday 2026-01-01, so one week (from Monday 2025-12-29): 30 entered, 8 + 6 converted, each
    // an hour after the view: in the histogram's (10 min, 1 h] bin.
    [Fact]
    public async Task Over_time_groups_entrants_by_week_and_the_histogram_bins_their_times()
    {
        var csv = Path.Combine(_dir, "events.csv");
        await File.WriteAllTextAsync(csv, Events, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("funnel", "--steps", "View,Buy", "--over-time", "week", "--events", csv, "--format", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        var week = doc.RootElement.GetProperty("conversion_over_time").EnumerateArray().ShouldHaveSingleItem();
        (week.GetProperty("start").GetString(), week.GetProperty("entered").GetInt64(), week.GetProperty("converted").GetInt64()).ShouldBe(("2025-12-29", 30L, 14L));
        var bins = doc.RootElement.GetProperty("time_to_convert_histogram").EnumerateArray().ToList();
        bins[2].GetProperty("up_to_seconds").GetInt64().ShouldBe(3600);
        bins[2].GetProperty("customers").GetInt64().ShouldBe(14);
        bins.Sum(b => b.GetProperty("customers").GetInt64()).ShouldBe(14);

        var bad = await CliRun.RunAsync("funnel", "--steps", "View,Buy", "--over-time", "month", "--events", csv);
        bad.ExitCode.ShouldBe(2, bad.ToString());
    }
}
