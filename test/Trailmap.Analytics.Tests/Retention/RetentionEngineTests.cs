using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Retention;

public sealed class RetentionEngineTests
{
    private static readonly DateTimeOffset Mon = new(2024, 3, 4, 22, 0, 0, TimeSpan.Zero); // a Monday, 22:00 UTC

    // ann signs up Mon 22:00 and uses the product Tue 21:00 (23 h later) and Tue 23:00 (25 h later).
    // bob only signs up: with "any event" as the return, his signup itself does not count as a return.
    // Rolling days: ann's 21:00 use is day 0 (< 24 h), 23:00 is day 1. Calendar days: both are on Tuesday = day 1.
    private static EventLog Log() => new EventLogBuilder()
        .Add("ann", "signup", Mon)
        .Add("ann", "use", Mon.AddHours(23))
        .Add("ann", "use", Mon.AddHours(25))
        .Add("bob", "signup", Mon)
        .Build();

    [Fact]
    public void Rolling_days_count_from_the_start_instant()
    {
        var table = RetentionEngine.Run(Log(), new RetentionSpec { StartEvent = new FunnelStep("signup"), Periods = 2 });
        var row = table.Cohorts.ShouldHaveSingleItem();
        row.Cohort.ShouldBe(new DateOnly(2024, 3, 4));
        row.Size.ShouldBe(2);
        row.Retained.ShouldBe([1L, 1, 0]); // ann in day 0 and day 1; bob never
        row.Percent.ShouldBe([50.0, 50.0, 0.0]);
    }

    [Fact]
    public void Calendar_days_count_from_the_start_date()
    {
        var table = RetentionEngine.Run(Log(), new RetentionSpec { StartEvent = new FunnelStep("signup"), Periods = 2, Calendar = true });
        table.Cohorts.ShouldHaveSingleItem().Retained.ShouldBe([0L, 1, 0]); // both of ann's uses fall on Tuesday
    }

    [Fact]
    public void On_or_after_counts_any_later_return()
    {
        var table = RetentionEngine.Run(Log(), new RetentionSpec { StartEvent = new FunnelStep("signup"), Periods = 2, Bucket = RetentionBucket.OnOrAfter });
        table.Cohorts.ShouldHaveSingleItem().Retained.ShouldBe([1L, 1, 0]); // ann's last return is day 1
    }

    // Week cohorts start on the ISO Monday: a Sunday signup (2024-03-10) belongs to the week of 2024-03-04.
    [Fact]
    public void Week_cohorts_start_on_monday()
    {
        var log = new EventLogBuilder().Add("cy", "signup", new DateTimeOffset(2024, 3, 10, 12, 0, 0, TimeSpan.Zero)).Build();
        var table = RetentionEngine.Run(log, new RetentionSpec { StartEvent = new FunnelStep("signup"), Period = RetentionPeriod.Week });
        table.Cohorts.ShouldHaveSingleItem().Cohort.ShouldBe(new DateOnly(2024, 3, 4));
    }
}
