using Trailmap.Web.Insights;

namespace Trailmap.Web.Tests.Insights;

public sealed class TimeHistogramTests
{
    [Fact]
    public void No_times_make_no_histogram() => TimeHistogram.Of([]).ShouldBeNull();

    [Fact]
    public void Instant_conversions_fall_in_the_first_bucket()
    {
        // The longest is 0s: one bucket of the smallest width, 1s.
        var h = TimeHistogram.Of([0, 0, 0])!;
        h.BucketSeconds.ShouldBe(1);
        h.Counts.ShouldBe([3L]);
        (h.Median, h.P90, h.Count).ShouldBe((0d, 0d, 3));
    }

    [Fact]
    public void The_width_is_the_smallest_round_one_that_needs_at_most_twelve_buckets()
    {
        // Longest 60s: 1s would need 61 buckets, 5s 13, 10s 7. 59s → bucket 5 [50,60), 60s → bucket 6 [60,70).
        var h = TimeHistogram.Of([59, 60, 3])!;
        h.BucketSeconds.ShouldBe(10);
        h.Counts.ShouldBe([1L, 0, 0, 0, 0, 1, 1]);

        // Longest 11 * 5m exactly (3300s): 5m buckets, 3300 / 300 + 1 = 12 buckets, the last holding it.
        var edge = TimeHistogram.Of([3300])!;
        edge.BucketSeconds.ShouldBe(300);
        edge.Counts.Count.ShouldBe(12);
        edge.Counts[11].ShouldBe(1);
    }

    [Fact]
    public void Median_and_p90_use_the_nearest_rank()
    {
        // Ten values 1..10: median = rank ceil(5) = 5th = 5; p90 = rank ceil(9) = 9th = 9.
        var h = TimeHistogram.Of([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])!;
        (h.Median, h.P90).ShouldBe((5d, 9d));
    }

    [Fact]
    public void Axis_ticks_read_in_the_unit_of_the_bucket_width()
    {
        // Longest 8.5 days: 12h buckets would need 18, 1d needs 9. The axis counts days, 0d to 8d, where the
        // approximate format read "6d, 1w, 1.1w" once a tick passed a week.
        var days = TimeHistogram.Of([8.5 * 86400])!;
        days.BucketSeconds.ShouldBe(86400);
        Enumerable.Range(0, days.Counts.Count).Select(days.Tick).ShouldBe(["0d", "1d", "2d", "3d", "4d", "5d", "6d", "7d", "8d"]);

        // Longest 3 days: 12h buckets (7 of them), counted in hours.
        var hours = TimeHistogram.Of([3 * 86400])!;
        Enumerable.Range(0, hours.Counts.Count).Select(hours.Tick).ShouldBe(["0h", "12h", "24h", "36h", "48h", "60h", "72h"]);

        // Longest 10 weeks: 1w needs 11 buckets, weeks it is.
        var weeks = TimeHistogram.Of([70 * 86400])!;
        weeks.Tick(10).ShouldBe("10w");
    }
}
