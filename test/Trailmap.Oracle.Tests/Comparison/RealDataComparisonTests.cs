using Shouldly;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Oracle.Tests.Data;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;
using Duration = Trailmap.Journeys.Model.Duration;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// The engine against the oracle on the shared real data (skipped, saying where it looked, when ../shared/data is
/// absent). Both read the same CSV rows with seq = row number, so ties break the same way.
/// </summary>
public sealed class RealDataComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresOracle oracle = new(database);

    [Theory]
    [InlineData(FunnelModes.None, OracleFunnelMode.Default)]
    [InlineData(FunnelModes.StrictOrder, OracleFunnelMode.StrictOrder)]
    public async Task Rees46_view_cart_purchase_counts_per_step(FunnelModes mode, OracleFunnelMode oracleMode)
    {
        OracleData.RequireFile(OracleData.Rees46Path);
        database.RequireServer();
        await OracleData.LoadRees46Async(database, TestContext.Current.CancellationToken);
        var log = RandomLog.BuildEventLog(OracleData.ReadRees46());
        string[] steps = ["view", "cart", "purchase"];
        var window = TimeSpan.FromDays(14);

        var engine = FunnelEngine.Run(log, new FunnelSpec
        {
            Steps = [.. steps.Select(s => new FunnelStep(s))],
            Window = Duration.Parse("14d"),
            Modes = mode,
        });
        var expected = await oracle.FunnelCountsAsync(
            new OracleFunnel([.. steps.Select(s => (OracleStep)s)], window, oracleMode),
            TestContext.Current.CancellationToken);

        engine.Steps.Select(s => (int)s.Customers).ShouldBe(expected, $"REES46 {FunnelModesParser.Format(mode)}");
    }

    [Theory]
    [InlineData(RetentionBucket.On, OracleBucket.On)]
    [InlineData(RetentionBucket.OnOrAfter, OracleBucket.OnOrAfter)]
    public async Task Cdnow_monthly_calendar_cohorts_cell_by_cell(RetentionBucket bucket, OracleBucket oracleBucket)
    {
        OracleData.RequireFile(OracleData.CdnowPath);
        database.RequireServer();
        await OracleData.LoadCdnowAsync(database, TestContext.Current.CancellationToken);
        var log = RandomLog.BuildEventLog(OracleData.ReadCdnow());

        var table = RetentionEngine.Run(log, new RetentionSpec
        {
            StartEvent = new FunnelStep("purchase"),
            ReturnEvent = new FunnelStep("purchase"),
            Period = RetentionPeriod.Month,
            Periods = 12,
            Bucket = bucket,
            Calendar = true,
        });
        var expected = await oracle.RetentionAsync(
            new OracleRetention("purchase", "purchase", OraclePeriod.Month, 12, oracleBucket, Calendar: true),
            TestContext.Current.CancellationToken);

        // Rows as text, so a mismatch shows both whole tables.
        table.Cohorts.Select(c => $"{c.Cohort} size {c.Size}: {string.Join(" ", c.Retained)}")
            .ShouldBe(expected.Select(c => $"{c.Start} size {c.Size}: {string.Join(" ", c.Retained)}"), $"CDNOW {bucket}");
        expected.Count.ShouldBe(3); // Q1 1997: the January, February and March cohorts.
    }
}
