using Shouldly;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>RetentionEngine against the oracle on random logs: every cohort row (start, size, each period) equal.</summary>
public sealed class RetentionComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    /// <summary>Every (period, bucket, rolling or calendar) combination, three random logs each: 36 logs.</summary>
    public static TheoryData<RetentionPeriod, RetentionBucket, bool, int> Cases
    {
        get
        {
            var data = new TheoryData<RetentionPeriod, RetentionBucket, bool, int>();
            var seed = 100;
            foreach (var period in Enum.GetValues<RetentionPeriod>())
            {
                foreach (var bucket in Enum.GetValues<RetentionBucket>())
                {
                    foreach (var calendar in new[] { false, true })
                    {
                        for (var i = 0; i < 3; i++)
                        {
                            data.Add(period, bucket, calendar, seed++);
                        }
                    }
                }
            }

            return data;
        }
    }

    private readonly PostgresOracle oracle = new(database);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_cohort_row_equals_the_oracle(RetentionPeriod period, RetentionBucket bucket, bool calendar, int seed)
    {
        database.RequireServer();
        var random = new Random(seed);
        // A grid fine enough to cross many period bounds, or coarse enough for many same-instant events; about a
        // dozen periods long. The log starts on Monday 2024-01-29 22:00, so days, ISO weeks and months (Jan 31,
        // leap February) all turn over early.
        var coarse = random.Next(2) == 0;
        var (unit, slots) = period switch
        {
            RetentionPeriod.Day => coarse ? (TimeSpan.FromHours(12), 24) : (TimeSpan.FromHours(1), 24 * 12),
            RetentionPeriod.Week => coarse ? (TimeSpan.FromDays(1), 90) : (TimeSpan.FromHours(5), 5 * 90),
            _ => coarse ? (TimeSpan.FromDays(7), 60) : (TimeSpan.FromHours(13), 400),
        };
        var log = RandomLog.Generate(seed, unit, slots);
        string? returnEvent = random.Next(3) == 0 ? null : "e1";
        var periods = random.Next(0, 13);
        await database.LoadEventsAsync(log.Events, TestContext.Current.CancellationToken);

        var table = RetentionEngine.Run(log.ToEventLog(), new RetentionSpec
        {
            StartEvent = new FunnelStep("e0"),
            ReturnEvent = returnEvent is null ? null : new FunnelStep(returnEvent),
            Period = period,
            Periods = periods,
            Bucket = bucket,
            Calendar = calendar,
        });
        var expected = await oracle.RetentionAsync(
            new OracleRetention(
                "e0",
                returnEvent,
                period switch { RetentionPeriod.Day => OraclePeriod.Day, RetentionPeriod.Week => OraclePeriod.Week, _ => OraclePeriod.Month },
                periods,
                bucket == RetentionBucket.On ? OracleBucket.On : OracleBucket.OnOrAfter,
                calendar),
            TestContext.Current.CancellationToken);

        // Rows as text, so a mismatch shows both whole tables.
        var engineRows = table.Cohorts.Select(c => $"{c.Cohort} size {c.Size}: {string.Join(" ", c.Retained)}").ToArray();
        var oracleRows = expected.Select(c => $"{c.Start} size {c.Size}: {string.Join(" ", c.Retained)}").ToArray();
        engineRows.ShouldBe(
            oracleRows,
            $"seed {seed}, {period}, {bucket}, {(calendar ? "calendar" : "rolling")}, return {returnEvent ?? "(any)"}, {periods} periods");
    }
}
