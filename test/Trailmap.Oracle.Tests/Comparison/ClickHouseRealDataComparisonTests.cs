using System.Globalization;
using System.Text;
using Shouldly;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Retention;
using Trailmap.Events;
using Trailmap.Events.ClickHouse;
using Trailmap.Events.Tests.ClickHouse;
using Trailmap.Oracle.Tests.Data;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;
using Duration = Trailmap.Journeys.Model.Duration;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// <see cref="RealDataComparisonTests"/> on the ClickHouse engine: the shared REES46 and CDNOW rows are imported into
/// a database of their own on the two-shard test cluster (as a CSV in row order, so arrival order breaks ties as the
/// oracle's seq does), and every number the oracle gives must come out of the cluster. The DuckDB engine meets the
/// same oracle in <see cref="RealDataComparisonTests"/>, so both engines give the same numbers.
/// </summary>
public sealed class ClickHouseRealDataComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly PostgresOracle oracle = new(database);
    private readonly List<ClickHouseServer> servers = [];
    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-ch-oracle-").FullName;

    public void Dispose()
    {
        foreach (var server in servers)
        {
            server.Dispose();
        }

        Directory.Delete(dir, recursive: true);
    }

    /// <summary>The rows as a Trailmap CSV, imported into a fresh database on the cluster.</summary>
    private ClickHouseEventStore Cluster(IEnumerable<OracleEvent> rows)
    {
        var csv = new StringBuilder("customer_id,event,timestamp,message_id\n");
        foreach (var e in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.CustomerId},{e.Event},{e.Timestamp:yyyy-MM-dd'T'HH:mm:ss'Z'},r{e.Seq}\n");
        }

        var file = Path.Combine(dir, $"rows{servers.Count}.csv");
        File.WriteAllText(file, csv.ToString());
        var server = ClickHouseServer.FreshDatabase();
        servers.Add(server);
        var store = ClickHouseEventStore.Open(server.Address);
        var summary = store.Import([file], cancel: TestContext.Current.CancellationToken);
        summary.Rejected.ShouldBe(0);
        return store;
    }

    [Theory]
    [InlineData(FunnelModes.None, OracleFunnelMode.Default)]
    [InlineData(FunnelModes.StrictOrder, OracleFunnelMode.StrictOrder)]
    public async Task Rees46_view_cart_purchase_counts_per_step(FunnelModes mode, OracleFunnelMode oracleMode)
    {
        OracleData.RequireFile(OracleData.Rees46Path);
        database.RequireServer();
        await OracleData.LoadRees46Async(database, TestContext.Current.CancellationToken);
        using var store = Cluster(OracleData.ReadRees46());
        string[] steps = ["view", "cart", "purchase"];

        var spec = new FunnelSpec
        {
            Steps = [.. steps.Select(s => new FunnelStep(s))],
            Window = Duration.Parse("14d"),
            Modes = mode,
        };
        ClickHouseAnalytics.ComputesInSql(spec).ShouldBeTrue("the funnel is computed inside ClickHouse, not loaded");
        var onCluster = EventEngines.Analytics(store).Funnel(spec);
        var expected = await oracle.FunnelCountsAsync(
            new OracleFunnel([.. steps.Select(s => (OracleStep)s)], TimeSpan.FromDays(14), oracleMode),
            TestContext.Current.CancellationToken);

        onCluster.Steps.Select(s => (int)s.Customers).ShouldBe(expected, $"REES46 {FunnelModesParser.Format(mode)} on ClickHouse");
    }

    [Theory]
    [InlineData(RetentionBucket.On, OracleBucket.On)]
    [InlineData(RetentionBucket.OnOrAfter, OracleBucket.OnOrAfter)]
    public async Task Cdnow_monthly_calendar_cohorts_cell_by_cell(RetentionBucket bucket, OracleBucket oracleBucket)
    {
        OracleData.RequireFile(OracleData.CdnowPath);
        database.RequireServer();
        await OracleData.LoadCdnowAsync(database, TestContext.Current.CancellationToken);
        using var store = Cluster(OracleData.ReadCdnow());

        var spec = new RetentionSpec
        {
            StartEvent = new FunnelStep("purchase"),
            ReturnEvent = new FunnelStep("purchase"),
            Period = RetentionPeriod.Month,
            Periods = 12,
            Bucket = bucket,
            Calendar = true,
        };
        ClickHouseAnalytics.ComputesInSql(spec).ShouldBeTrue("the table is computed inside ClickHouse, not loaded");
        var table = EventEngines.Analytics(store).Retention(spec);
        var expected = await oracle.RetentionAsync(
            new OracleRetention("purchase", "purchase", OraclePeriod.Month, 12, oracleBucket, Calendar: true),
            TestContext.Current.CancellationToken);

        table.Cohorts.Select(c => $"{c.Cohort} size {c.Size}: {string.Join(" ", c.Retained)}")
            .ShouldBe(expected.Select(c => $"{c.Start} size {c.Size}: {string.Join(" ", c.Retained)}"), $"CDNOW {bucket} on ClickHouse");
        expected.Count.ShouldBe(3);
    }
}
