using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Bugs;

/// <summary>
/// Times at the ends of the calendar, which a store written before the accepted range of event times may hold
/// (a sentAt of 0001-01-01 once moved an event to the year 4049 or beyond): monthly retention threw when a month
/// was added past 9999-12-31. Analyses must answer, not fail.
/// </summary>
public sealed class ExtremeStoredTimesTests
{
    // zed starts 9999-12-15 and returns 9999-12-20 and 9999-12-31 23:59:59: both before the end of his first month
    // (which would end 10000-01-15, after the calendar's end), so both are month 0.
    // amy starts 0001-01-01 and returns 0001-02-01: exactly one month later, so month 1.
    private static EventLog Log() => new EventLogBuilder()
        .Add("zed", "signup", new DateTimeOffset(9999, 12, 15, 0, 0, 0, TimeSpan.Zero))
        .Add("zed", "use", new DateTimeOffset(9999, 12, 20, 0, 0, 0, TimeSpan.Zero))
        .Add("zed", "use", new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero))
        .Add("amy", "signup", new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero))
        .Add("amy", "use", new DateTimeOffset(1, 2, 1, 0, 0, 0, TimeSpan.Zero))
        .Build();

    [Theory]
    [InlineData(RetentionBucket.On, new long[] { 1, 0, 0 }, new long[] { 0, 1, 0 })]
    // on-or-after: amy's last return is month 1, so she counts in months 0 and 1.
    [InlineData(RetentionBucket.OnOrAfter, new long[] { 1, 0, 0 }, new long[] { 1, 1, 0 })]
    public void Monthly_retention_answers_for_times_at_both_ends_of_the_calendar(RetentionBucket bucket, long[] zed, long[] amy)
    {
        var table = RetentionEngine.Run(Log(), new RetentionSpec
        {
            StartEvent = new FunnelStep("signup"),
            ReturnEvent = new FunnelStep("use"),
            Period = RetentionPeriod.Month,
            Periods = 2,
            Bucket = bucket,
        });

        table.Cohorts.Select(c => c.Cohort).ShouldBe([new DateOnly(1, 1, 1), new DateOnly(9999, 12, 1)]);
        table.Cohorts[0].Retained.ShouldBe(amy);
        table.Cohorts[1].Retained.ShouldBe(zed);
    }

    [Fact]
    public void Calendar_steps_stop_at_the_ends_of_the_calendar_instead_of_throwing()
    {
        var last = new DateTimeOffset(9999, 12, 15, 0, 0, 0, TimeSpan.Zero);
        SaturatingCalendar.AddMonths(last, 1).ShouldBe(DateTimeOffset.MaxValue);
        SaturatingCalendar.AddMonths(last, 0).ShouldBe(last);
        SaturatingCalendar.AddMonths(new DateTimeOffset(9999, 11, 30, 0, 0, 0, TimeSpan.Zero), 1).ShouldBe(new DateTimeOffset(9999, 12, 30, 0, 0, 0, TimeSpan.Zero));
        SaturatingCalendar.AddMonths(new DateTimeOffset(1, 1, 31, 0, 0, 0, TimeSpan.Zero), -1).ShouldBe(DateTimeOffset.MinValue);
        SaturatingCalendar.AddMonths(new DateOnly(9999, 1, 1), 12).ShouldBe(DateOnly.MaxValue);
        SaturatingCalendar.AddMonths(new DateOnly(9999, 1, 1), 11).ShouldBe(new DateOnly(9999, 12, 1));
        SaturatingCalendar.AddDays(new DateOnly(9999, 12, 31), 1).ShouldBe(DateOnly.MaxValue);
        SaturatingCalendar.AddDays(new DateOnly(9999, 12, 30), 1).ShouldBe(new DateOnly(9999, 12, 31));
        SaturatingCalendar.AddMonths(new DateOnly(2024, 1, 31), long.MaxValue).ShouldBe(DateOnly.MaxValue);
    }
}
