using System.Text.Json;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Queries;
using Trailmap.Events;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Analytics.Tests.Funnels;

/// <summary>Conversion over time and the time-to-convert histogram, worked out by hand.</summary>
public sealed class FunnelTrendsTests
{
    private static long At(int month, int day, int hour, int minute = 0, int second = 0) =>
        (new DateTimeOffset(2026, month, day, hour, minute, second, TimeSpan.Zero).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    // Steps a, b; window 14 d. 2026-01-05 is a Monday.
    //   u1: a 01-05 10:00, b 30 s later                 -> converts, entered 01-05, 30 s
    //   u2: a 01-05 23:00, b 2 h later                  -> converts, entered 01-05, 7,200 s
    //   u3: a 01-07 09:00                               -> entered 01-07, does not convert
    //   u4: a 01-13 08:00, b 10 days later              -> converts, entered 01-13, 864,000 s
    //   u5: a 01-06 12:00, a 01-20 12:00, b 01-20 12:01 -> the first chain's window ends 01-20 12:00, before b; the
    //                                                      latest start converts: entered 01-20, 60 s
    private static FunnelResult Run(FunnelPeriod? overTime = null)
    {
        var b = new EventLogBuilder();
        var seq = 0;
        b.Add("u1", "a", At(1, 5, 10), seq++).Add("u1", "b", At(1, 5, 10, 0, 30), seq++);
        b.Add("u2", "a", At(1, 5, 23), seq++).Add("u2", "b", At(1, 6, 1), seq++);
        b.Add("u3", "a", At(1, 7, 9), seq++);
        b.Add("u4", "a", At(1, 13, 8), seq++).Add("u4", "b", At(1, 23, 8), seq++);
        b.Add("u5", "a", At(1, 6, 12), seq++).Add("u5", "a", At(1, 20, 12), seq++).Add("u5", "b", At(1, 20, 12, 1), seq++);
        return FunnelEngine.Run(b.Build(), new FunnelSpec { Steps = [new("a"), new("b")], OverTime = overTime });
    }

    [Fact]
    public void Weekly_conversion_counts_each_entrant_in_the_week_its_converting_chain_started()
    {
        // Week of 01-05: u1, u2, u3 (2 convert). Week of 01-12: u4. Week of 01-19: u5.
        FunnelTrends.ConversionOverTime(Run(), FunnelPeriod.Week).ShouldBe(
        [
            new ConversionPeriod(new DateOnly(2026, 1, 5), 3, 2, 2.0 / 3),
            new ConversionPeriod(new DateOnly(2026, 1, 12), 1, 1, 1),
            new ConversionPeriod(new DateOnly(2026, 1, 19), 1, 1, 1),
        ]);
    }

    [Fact]
    public void Daily_conversion_lists_every_day_from_the_first_entry_to_the_last()
    {
        var days = FunnelTrends.ConversionOverTime(Run(), FunnelPeriod.Day)!;

        // 01-05 to 01-20: 16 days; entries on 01-05 (2, both convert), 01-07 (1, none), 01-13 (1, 1) and 01-20 (1, 1).
        days.Count.ShouldBe(16);
        days.Where(d => d.Entered > 0).Select(d => (d.Start.Day, d.Entered, d.Converted)).ShouldBe([(5, 2L, 2L), (7, 1L, 0L), (13, 1L, 1L), (20, 1L, 1L)]);
        days[1].ShouldBe(new ConversionPeriod(new DateOnly(2026, 1, 6), 0, 0, 0));
    }

    [Fact]
    public void The_histogram_bins_converters_by_their_time_from_step_1_to_the_last_step()
    {
        // u1 30 s and u5 60 s (bounds are inclusive) <= 1 min; u2 7,200 s in (1 h, 6 h]; u4 864,000 s in (7 d, 14 d].
        FunnelTrends.TimeToConvertHistogram(Run())!.Select(b => (b.UpToSeconds, b.Customers)).ShouldBe(
        [
            (60L, 2L), (600L, 0L), (3600L, 0L), (21_600L, 1L), (86_400L, 0L), (259_200L, 0L), (604_800L, 0L), (1_209_600L, 1L),
            (2_592_000L, 0L), ((long?)null, 0L),
        ]);
    }

    [Fact]
    public void The_json_has_the_histogram_always_and_conversion_over_time_when_asked()
    {
        var spec = new FunnelSpec { Steps = [new("a"), new("b")], OverTime = FunnelPeriod.Week };
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(FunnelQuery.Json(Run(FunnelPeriod.Week), spec), TrailmapJson.Options));

        doc.RootElement.GetProperty("over_time").GetString().ShouldBe("week");
        var weeks = doc.RootElement.GetProperty("conversion_over_time").EnumerateArray().ToList();
        weeks.Select(w => (w.GetProperty("start").GetString(), w.GetProperty("entered").GetInt64(), w.GetProperty("converted").GetInt64()))
            .ShouldBe([("2026-01-05", 3L, 2L), ("2026-01-12", 1L, 1L), ("2026-01-19", 1L, 1L)]);
        doc.RootElement.GetProperty("time_to_convert_histogram")[0].GetProperty("up_to_seconds").GetInt64().ShouldBe(60);
        doc.RootElement.GetProperty("time_to_convert_histogram")[0].GetProperty("customers").GetInt64().ShouldBe(2);

        var without = JsonSerializer.Serialize(FunnelQuery.Json(Run(), spec with { OverTime = null }), TrailmapJson.Options);
        without.ShouldNotContain("conversion_over_time");
    }

    [Fact]
    public void An_unknown_period_names_the_parameter() =>
        Should.Throw<QueryParameterException>(() => FunnelQuery.Spec("a,b", null, null, null, [], null, [], "month")).Parameter.ShouldBe("over-time");

    [Fact]
    public void Unordered_funnels_have_neither()
    {
        var log = new EventLogBuilder().Add("u", "b", 0, 0).Add("u", "a", 1, 1).Build();
        var result = FunnelEngine.Run(log, new FunnelSpec { Steps = [new("a"), new("b")], Modes = FunnelModes.Unordered });

        FunnelTrends.ConversionOverTime(result, FunnelPeriod.Day).ShouldBeNull();
        FunnelTrends.TimeToConvertHistogram(result).ShouldBeNull();
    }
}
