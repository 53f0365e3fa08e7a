using Shouldly;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;

namespace Trailmap.Oracle.Tests;

/// <summary>The oracle's retention SQL against tiny logs whose cohort tables are worked out by hand in the comments.</summary>
public sealed class OracleRetentionTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresOracle oracle = new(database);

    // a: signup Mon 2024-01-01 10:00; a `use` the day before (before the start: never a return); uses 23h59m later
    //    (rolling day 0, calendar day 1) and exactly 48 h later (on the boundary: rolling day 2, calendar day 2).
    // b: signup 2024-01-01 23:00; uses 2 h later (rolling day 0, calendar day 1) and exactly 72 h later (both: day 3).
    // c: signup 2024-01-01 12:00 and nothing else: in the cohort, never retained (its signup is not a return).
    // d: signup 2024-01-02 08:00 and a use at the very same instant, logged after it: a day-0 return, its own cohort.
    private static TinyLog DailyLog() => new TinyLog()
        .Add("a", "use", "2023-12-31 12:00:00")
        .Add("a", "signup", "2024-01-01 10:00:00").Add("a", "use", "2024-01-02 09:59:00").Add("a", "use", "2024-01-03 10:00:00")
        .Add("b", "signup", "2024-01-01 23:00:00").Add("b", "use", "2024-01-02 01:00:00").Add("b", "use", "2024-01-04 23:00:00")
        .Add("c", "signup", "2024-01-01 12:00:00")
        .Add("d", "signup", "2024-01-02 08:00:00").Add("d", "use", "2024-01-02 08:00:00");

    [Fact]
    public async Task Rolling_days_on_and_on_or_after()
    {
        await Load(DailyLog());
        var question = new OracleRetention("signup", "use", OraclePeriod.Day, 3, OracleBucket.On);

        // Cohort 2024-01-01 = {a, b, c}. Rolling days: a {0, 2}, b {0, 3}, c {}.
        // on:          day 0 a,b = 2; day 1 none = 0; day 2 a = 1; day 3 b = 1.
        // on-or-after: day 0 a,b = 2; day 1 a(2),b(3) = 2; day 2 a,b = 2; day 3 b = 1.
        // Cohort 2024-01-02 = {d}: d {0}.
        (await oracle.RetentionAsync(question, Ct)).ShouldBe(
        [
            new OracleCohort(new DateOnly(2024, 1, 1), 3, [2, 0, 1, 1]),
            new OracleCohort(new DateOnly(2024, 1, 2), 1, [1, 0, 0, 0]),
        ], Comparer);
        (await oracle.RetentionAsync(question with { Bucket = OracleBucket.OnOrAfter }, Ct)).ShouldBe(
        [
            new OracleCohort(new DateOnly(2024, 1, 1), 3, [2, 2, 2, 1]),
            new OracleCohort(new DateOnly(2024, 1, 2), 1, [1, 0, 0, 0]),
        ], Comparer);
    }

    [Fact]
    public async Task Calendar_days_count_midnights_not_24_hours()
    {
        await Load(DailyLog());
        var question = new OracleRetention("signup", "use", OraclePeriod.Day, 3, OracleBucket.On, Calendar: true);

        // Calendar days: a {Jan 2 = 1, Jan 3 = 2}, b {Jan 2 = 1, Jan 4 = 3}, d {Jan 2 = 0}.
        // on:          [0, 2, 1, 1].  on-or-after: day 0 a,b = 2; day 1 = 2; day 2 a,b = 2; day 3 b = 1.
        (await oracle.RetentionAsync(question, Ct)).ShouldBe(
        [
            new OracleCohort(new DateOnly(2024, 1, 1), 3, [0, 2, 1, 1]),
            new OracleCohort(new DateOnly(2024, 1, 2), 1, [1, 0, 0, 0]),
        ], Comparer);
        (await oracle.RetentionAsync(question with { Bucket = OracleBucket.OnOrAfter }, Ct)).ShouldBe(
        [
            new OracleCohort(new DateOnly(2024, 1, 1), 3, [2, 2, 2, 1]),
            new OracleCohort(new DateOnly(2024, 1, 2), 1, [1, 0, 0, 0]),
        ], Comparer);
    }

    [Fact]
    public async Task Any_event_returns_never_count_the_start_event_itself()
    {
        await Load(DailyLog());

        // With "any event" as the return, the signups are still not returns: c stays unretained, and the table is the
        // rolling `on` table above.
        (await oracle.RetentionAsync(new OracleRetention("signup", null, OraclePeriod.Day, 3, OracleBucket.On), Ct)).ShouldBe(
        [
            new OracleCohort(new DateOnly(2024, 1, 1), 3, [2, 0, 1, 1]),
            new OracleCohort(new DateOnly(2024, 1, 2), 1, [1, 0, 0, 0]),
        ], Comparer);
    }

    [Fact]
    public async Task Weeks_rolling_are_seven_days_calendar_weeks_start_on_monday()
    {
        // w: signup Sunday 2024-01-07 12:00 (ISO week of Monday 2024-01-01); uses Monday 01-08 12:00 (1 day later:
        // rolling week 0, but a new ISO week: calendar week 1) and Sunday 01-14 12:00 (exactly 7 days: rolling week 1
        // on the boundary; still the ISO week of 01-08: calendar week 1).
        await Load(new TinyLog()
            .Add("w", "signup", "2024-01-07 12:00:00").Add("w", "use", "2024-01-08 12:00:00").Add("w", "use", "2024-01-14 12:00:00"));
        var question = new OracleRetention("signup", "use", OraclePeriod.Week, 2, OracleBucket.On);

        // rolling {0, 1}: on [1, 1, 0]; calendar {1}: on [0, 1, 0], on-or-after [1, 1, 0].
        (await oracle.RetentionAsync(question, Ct)).ShouldBe([new OracleCohort(new DateOnly(2024, 1, 1), 1, [1, 1, 0])], Comparer);
        (await oracle.RetentionAsync(question with { Calendar = true }, Ct))
            .ShouldBe([new OracleCohort(new DateOnly(2024, 1, 1), 1, [0, 1, 0])], Comparer);
        (await oracle.RetentionAsync(question with { Calendar = true, Bucket = OracleBucket.OnOrAfter }, Ct))
            .ShouldBe([new OracleCohort(new DateOnly(2024, 1, 1), 1, [1, 1, 0])], Comparer);
    }

    [Fact]
    public async Task Months_rolling_use_month_arithmetic_calendar_months_use_the_month_number()
    {
        // m: signup 2024-01-31 10:00. Rolling month n starts at 01-31 10:00 + n months (clamped to the month's end):
        //   1 -> 02-29 10:00, 2 -> 03-31 10:00, 3 -> 04-30 10:00.
        // use 02-29 10:00: exactly the month-1 boundary -> rolling 1; calendar 1 (February).
        // use 03-30 09:00: before 03-31 10:00 -> rolling 1; calendar 2 (March).
        // use 04-01 00:00: after 03-31 10:00, before 04-30 -> rolling 2; calendar 3 (April).
        await Load(new TinyLog()
            .Add("m", "signup", "2024-01-31 10:00:00").Add("m", "use", "2024-02-29 10:00:00")
            .Add("m", "use", "2024-03-30 09:00:00").Add("m", "use", "2024-04-01 00:00:00"));
        var question = new OracleRetention("signup", "use", OraclePeriod.Month, 3, OracleBucket.On);

        // rolling {1, 2}: on [0, 1, 1, 0], on-or-after [1, 1, 1, 0]. calendar {1, 2, 3}: on [0, 1, 1, 1], on-or-after [1, 1, 1, 1].
        var cohort = new DateOnly(2024, 1, 1);
        (await oracle.RetentionAsync(question, Ct)).ShouldBe([new OracleCohort(cohort, 1, [0, 1, 1, 0])], Comparer);
        (await oracle.RetentionAsync(question with { Bucket = OracleBucket.OnOrAfter }, Ct))
            .ShouldBe([new OracleCohort(cohort, 1, [1, 1, 1, 0])], Comparer);
        (await oracle.RetentionAsync(question with { Calendar = true }, Ct))
            .ShouldBe([new OracleCohort(cohort, 1, [0, 1, 1, 1])], Comparer);
        (await oracle.RetentionAsync(question with { Calendar = true, Bucket = OracleBucket.OnOrAfter }, Ct))
            .ShouldBe([new OracleCohort(cohort, 1, [1, 1, 1, 1])], Comparer);
    }

    [Fact]
    public async Task Nps_of_scores_0_to_10_once_each_is_minus_45_45()
    {
        // Promoters 9, 10 = 2; detractors 0..6 = 7; 11 answers: (2 - 7) / 11 * 100 = -45.4545... -> -45.45.
        // The `rating` event and the survey without a score are not answers.
        var log = new TinyLog();
        for (var score = 0; score <= 10; score++)
        {
            log.Add($"c{score}", "survey", "2024-01-01 10:00:00", $$"""{"score": {{score}}}""");
        }

        log.Add("other", "rating", "2024-01-01 10:00:00", """{"score": 10}""").Add("blank", "survey", "2024-01-01 10:00:00", "{}");
        await Load(log);

        var nps = await oracle.NpsAsync("survey", "score", Ct);
        nps.ShouldNotBeNull();
        Math.Round(nps.Value, 2).ShouldBe(-45.45m);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Records compare their list by reference; compare cohort rows by value.
    private static readonly IEqualityComparer<OracleCohort> Comparer = new CohortComparer();

    private async Task Load(TinyLog log) => await database.LoadEventsAsync(log.Events, Ct);

    private sealed class CohortComparer : IEqualityComparer<OracleCohort>
    {
        public bool Equals(OracleCohort? x, OracleCohort? y) =>
            x is not null && y is not null && x.Start == y.Start && x.Size == y.Size && x.Retained.SequenceEqual(y.Retained);

        public int GetHashCode(OracleCohort obj) => HashCode.Combine(obj.Start, obj.Size);
    }
}
