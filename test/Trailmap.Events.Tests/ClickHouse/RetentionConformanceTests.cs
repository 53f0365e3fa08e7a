using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Events.Analytics;
using Trailmap.Events.ClickHouse;
using Xunit;
using Filter = Trailmap.Journeys.Model.Filter;

namespace Trailmap.Events.Tests.ClickHouse;

/// <summary>
/// Retention tables on both engines from the same imported files: the DuckDB store answered in memory, the ClickHouse
/// cluster answered by SQL, checked against hand-computed tables and against each other on random logs (every
/// period, bucket, calendar choice, return event and range).
/// </summary>
public sealed class RetentionConformanceTests : IDisposable
{
    private static readonly DateTimeOffset Mon = new(2024, 3, 4, 22, 0, 0, TimeSpan.Zero); // a Monday, 22:00 UTC

    private readonly TempDir dir = new();
    private readonly ClickHouseServer server = ClickHouseServer.FreshDatabase();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly EventStore duck;
    private readonly ClickHouseEventStore clickHouse;
    private int files;

    public RetentionConformanceTests()
    {
        duck = EventStore.Open(":memory:", clock);
        clickHouse = ClickHouseEventStore.Open(server.Address, clock);
    }

    /// <summary>Imports the events into both stores; arrival order is the list order.</summary>
    private void Import(IEnumerable<(string Customer, string Event, DateTimeOffset At)> events)
    {
        var sb = new StringBuilder();
        var n = 0;
        foreach (var (customer, name, at) in events)
        {
            var ts = at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $$"""{"type":"track","userId":"{{customer}}","event":"{{name}}","messageId":"f{{files}}-{{n++}}","timestamp":"{{ts}}"}""").Append('\n');
        }

        var file = dir.Write($"events{files++}.jsonl", sb.ToString());
        duck.Import([file], cancel: TestContext.Current.CancellationToken).Rejected.ShouldBe(0);
        clickHouse.Import([file], cancel: TestContext.Current.CancellationToken).Rejected.ShouldBe(0);
    }

    private static string Show(RetentionTable table) => string.Join("; ", table.Cohorts.Select(c =>
        $"{c.Cohort:yyyy-MM-dd} size {c.Size}: {string.Join(" ", c.Retained)} ({string.Join(" ", c.Percent.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))})"));

    /// <summary>The cluster's table, after checking that it equals the in-memory engine's cell by cell.</summary>
    private RetentionTable Both(RetentionSpec spec, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        ClickHouseAnalytics.ComputesInSql(spec).ShouldBeTrue();
        var expected = new InMemoryAnalytics(duck).Retention(spec, from, to);
        var actual = EventEngines.Analytics(clickHouse).Retention(spec, from, to);
        Show(actual).ShouldBe(Show(expected), $"{spec} from {from} to {to}");
        return actual;
    }

    private static RetentionSpec Spec(int periods, RetentionPeriod period = RetentionPeriod.Day, bool calendar = false,
        RetentionBucket bucket = RetentionBucket.On, string? returns = null) => new()
        {
            StartEvent = new FunnelStep("signup"),
            ReturnEvent = returns is null ? null : new FunnelStep(returns),
            Period = period,
            Periods = periods,
            Bucket = bucket,
            Calendar = calendar,
        };

    // RetentionEngineTests' log: ann signs up Mon 22:00 and uses the product 23 h and 25 h later; bob only signs up
    // (with "any event" as the return, his signup itself does not count).
    private void ImportMondayLog() => Import([
        ("ann", "signup", Mon), ("ann", "use", Mon.AddHours(23)), ("ann", "use", Mon.AddHours(25)), ("bob", "signup", Mon)]);

    [Fact]
    public void Rolling_days_count_from_the_start_instant()
    {
        ImportMondayLog();

        var row = Both(Spec(2)).Cohorts.ShouldHaveSingleItem();

        row.Cohort.ShouldBe(new DateOnly(2024, 3, 4));
        row.Size.ShouldBe(2);
        row.Retained.ShouldBe([1L, 1, 0]); // ann in day 0 (23 h) and day 1 (25 h); bob never
        row.Percent.ShouldBe([50.0, 50.0, 0.0]);
    }

    [Fact]
    public void Calendar_days_count_from_the_start_date()
    {
        ImportMondayLog();

        Both(Spec(2, calendar: true)).Cohorts.ShouldHaveSingleItem().Retained.ShouldBe([0L, 1, 0]); // both uses are on Tuesday
    }

    [Fact]
    public void On_or_after_counts_any_later_return()
    {
        ImportMondayLog();

        Both(Spec(2, bucket: RetentionBucket.OnOrAfter)).Cohorts.ShouldHaveSingleItem().Retained.ShouldBe([1L, 1, 0]);
    }

    // A Sunday signup (2024-03-10) belongs to the ISO week of Monday 2024-03-04; a use on Monday 03-11 is the next
    // calendar week (1) but within 7 days of the signup (rolling week 0).
    [Fact]
    public void Week_cohorts_start_on_monday()
    {
        var sunday = new DateTimeOffset(2024, 3, 10, 12, 0, 0, TimeSpan.Zero);
        Import([("cy", "signup", sunday), ("cy", "use", sunday.AddDays(1))]);

        var calendar = Both(Spec(1, RetentionPeriod.Week, calendar: true)).Cohorts.ShouldHaveSingleItem();
        calendar.Cohort.ShouldBe(new DateOnly(2024, 3, 4));
        calendar.Retained.ShouldBe([0L, 1]);
        Both(Spec(1, RetentionPeriod.Week)).Cohorts.ShouldHaveSingleItem().Retained.ShouldBe([1L, 0]);
    }

    // Rolling months end on the start's day of month, capped at the month's length (DateTimeOffset.AddMonths):
    // from 2024-01-31 10:00, month 1 starts 2024-02-29 10:00 (a leap year) and month 2 on 2024-03-31 10:00.
    // Returns: 02-29 09:59 is month 0, 02-29 10:00 month 1, 03-30 month 1, 03-31 10:00 month 2.
    [Theory]
    [InlineData("2024-02-29T09:59:00Z", 0)]
    [InlineData("2024-02-29T10:00:00Z", 1)]
    [InlineData("2024-03-30T23:00:00Z", 1)]
    [InlineData("2024-03-31T10:00:00Z", 2)]
    public void Rolling_months_cap_the_day_at_the_month_end(string returnAt, int month)
    {
        var start = new DateTimeOffset(2024, 1, 31, 10, 0, 0, TimeSpan.Zero);
        Import([("u", "signup", start), ("u", "use", DateTimeOffset.Parse(returnAt, CultureInfo.InvariantCulture))]);

        var row = Both(Spec(3, RetentionPeriod.Month, returns: "use")).Cohorts.ShouldHaveSingleItem();

        row.Cohort.ShouldBe(new DateOnly(2024, 1, 1));
        row.Retained.ShouldBe([.. Enumerable.Range(0, 4).Select(k => k == month ? 1L : 0)]);
    }

    // Before 1970 times are negative microseconds: a signup 1969-12-31 23:00 and a use 1970-01-01 01:00 are calendar
    // days 0 and 1 but rolling day 0. And 1900 is not a leap year: from 1900-01-31 10:00, rolling month 1 starts on
    // 1900-02-28 10:00, so a use at 12:00 that day is month 1; in calendar months 1900-03-01 is month 2.
    [Fact]
    public void Times_before_1970_and_1900s_february()
    {
        var eve = new DateTimeOffset(1969, 12, 31, 23, 0, 0, TimeSpan.Zero);
        var y1900 = new DateTimeOffset(1900, 1, 31, 10, 0, 0, TimeSpan.Zero);
        Import([
            ("eve", "signup", eve), ("eve", "use", eve.AddHours(2)),
            ("old", "signup", y1900), ("old", "use", new DateTimeOffset(1900, 2, 28, 12, 0, 0, TimeSpan.Zero)), ("old", "use", new DateTimeOffset(1900, 3, 1, 0, 0, 0, TimeSpan.Zero))]);

        var calendarDays = Both(Spec(1, calendar: true, returns: "use"));
        calendarDays.Cohorts.Select(c => c.Cohort).ShouldBe([new DateOnly(1900, 1, 31), new DateOnly(1969, 12, 31)]);
        calendarDays.Cohorts[1].Retained.ShouldBe([0L, 1]);
        Both(Spec(1, returns: "use")).Cohorts[1].Retained.ShouldBe([1L, 0]);
        Both(Spec(2, RetentionPeriod.Month, returns: "use")).Cohorts[0].Retained.ShouldBe([0L, 1, 0]);
        Both(Spec(2, RetentionPeriod.Month, calendar: true, returns: "use")).Cohorts[0].Retained.ShouldBe([0L, 1, 1]);
    }

    // The start event itself is never a return, but another event at the same instant is, and one that arrived
    // before the start (same instant) is not after it. u1: use@t, signup@t -> no return; u2: signup@t, use@t -> day 0.
    [Fact]
    public void Same_instant_events_follow_arrival_order()
    {
        var t = new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero);
        Import([("u1", "use", t), ("u1", "signup", t), ("u2", "signup", t), ("u2", "use", t)]);

        Both(Spec(0)).Cohorts.ShouldHaveSingleItem().Retained.ShouldBe([1L]);
    }

    /// <summary>
    /// Random logs (names signup, use, other; times every 3 hours over 120 days from a late-January start, and from
    /// 1969-11-27 across the 1970 boundary), 200 customers, and 80 random specs over every option and a range.
    /// </summary>
    [Fact]
    public void Random_logs_give_the_same_table_on_both_engines()
    {
        var random = new Random(1314);
        string[] names = ["signup", "use", "other"];
        DateTimeOffset[] bases = [new(2024, 1, 27, 0, 0, 0, TimeSpan.Zero), new(1969, 11, 27, 0, 0, 0, TimeSpan.Zero)];
        var events = new List<(string, string, DateTimeOffset)>();
        for (var c = 0; c < 200; c++)
        {
            var origin = bases[c % 2];
            for (var e = random.Next(1, 12); e > 0; e--)
            {
                events.Add(($"c{c}", names[random.Next(3)], origin.AddHours(3 * random.Next(0, 8 * 120)).AddSeconds(random.Next(0, 2) * 59)));
            }
        }

        Import(events);

        for (var i = 0; i < 80; i++)
        {
            var spec = Spec(
                random.Next(0, 7),
                (RetentionPeriod)random.Next(3),
                random.Next(2) == 0,
                random.Next(2) == 0 ? RetentionBucket.On : RetentionBucket.OnOrAfter,
                random.Next(3) switch { 0 => null, 1 => "use", _ => "signup" });
            var from = random.Next(4) == 0 ? bases[random.Next(2)].AddDays(10) : (DateTimeOffset?)null;
            var to = random.Next(4) == 0 ? bases[random.Next(2)].AddDays(90) : (DateTimeOffset?)null;
            Both(spec, from, to);
        }
    }

    // A property condition on the start event cannot be read in 18.16's SQL: the table comes from the fallback, the same.
    [Fact]
    public void A_start_condition_falls_back_and_gives_the_same_table()
    {
        ImportMondayLog();
        var spec = Spec(2) with { StartEvent = new FunnelStep("signup", Filter.Parse("plan == 'pro'")) };

        ClickHouseAnalytics.ComputesInSql(spec).ShouldBeFalse();
        Show(EventEngines.Analytics(clickHouse).Retention(spec)).ShouldBe(Show(new InMemoryAnalytics(duck).Retention(spec)));
    }

    public void Dispose()
    {
        duck.Dispose();
        clickHouse.Dispose();
        dir.Dispose();
        server.Dispose();
    }
}
