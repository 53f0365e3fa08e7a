using Shouldly;
using Trailmap.Oracle.Tests.Data;
using Trailmap.Oracle.Tests.Oracle;
using Trailmap.Testing;
using Xunit;

namespace Trailmap.Oracle.Tests;

/// <summary>
/// The oracle on the shared real data. The numbers themselves are recorded in docs/oracle.md, not pinned here (they
/// are the oracle's output); these tests check what is known independently of the SQL, and write the numbers to
/// artifacts/test/oracle-*.txt.
/// </summary>
public sealed class Rees46OracleTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task View_cart_purchase_funnel_over_14_days()
    {
        database.RequireServer();
        var rows = await OracleData.LoadRees46Async(database, TestContext.Current.CancellationToken);
        rows.ShouldBe(17_434); // SOURCE/README: 17,434 rows.

        var oracle = new PostgresOracle(database);
        var funnel = new OracleFunnel(["view", "cart", "purchase"], TimeSpan.FromDays(14));
        var counts = await oracle.FunnelCountsAsync(funnel, TestContext.Current.CancellationToken);
        var strict = await oracle.FunnelCountsAsync(funnel with { Mode = OracleFunnelMode.StrictOrder }, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(
            Path.Combine(RepoPaths.Artifacts, "oracle-rees46.txt"),
            $"default {string.Join(" ", counts)}\nstrict-order {string.Join(" ", strict)}\n",
            TestContext.Current.CancellationToken);

        // Step 1 is reached by exactly the customers with a view: counted straight from the CSV.
        var viewers = OracleData.ReadRees46().Where(e => e.Event == "view").Select(e => e.CustomerId).Distinct().Count();
        counts[0].ShouldBe(viewers);
        strict[0].ShouldBe(viewers);
        // Funnels never widen, and strict-order can only lose customers.
        counts.ShouldBe(counts.OrderByDescending(c => c).ToArray());
        strict.ShouldBe(strict.OrderByDescending(c => c).ToArray());
        for (var k = 0; k < counts.Count; k++)
        {
            strict[k].ShouldBeLessThanOrEqualTo(counts[k]);
        }

        // The whole log spans under 3 hours, so the 14-day window never binds: level >= 2 means some cart at or after
        // some view (step order breaks timestamp ties), counted straight from the CSV.
        var events = OracleData.ReadRees46().ToList();
        var firstView = events.Where(e => e.Event == "view").GroupBy(e => e.CustomerId).ToDictionary(g => g.Key, g => g.Min(e => e.Timestamp));
        var viewThenCart = events.Where(e => e.Event == "cart" && firstView.TryGetValue(e.CustomerId, out var v) && e.Timestamp >= v)
            .Select(e => e.CustomerId).Distinct().Count();
        counts[1].ShouldBe(viewThenCart);
    }
}

public sealed class CdnowOracleTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Monthly_calendar_cohorts_of_first_purchases()
    {
        database.RequireServer();
        var rows = await OracleData.LoadCdnowAsync(database, TestContext.Current.CancellationToken);
        rows.ShouldBe(69_659); // README: 69,659 rows.

        var oracle = new PostgresOracle(database);
        var question = new OracleRetention("purchase", null, OraclePeriod.Month, 12, OracleBucket.On, Calendar: true);
        var on = await oracle.RetentionAsync(question, TestContext.Current.CancellationToken);
        var onOrAfter = await oracle.RetentionAsync(question with { Bucket = OracleBucket.OnOrAfter }, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(
            Path.Combine(RepoPaths.Artifacts, "oracle-cdnow.txt"),
            "on\n" + Table(on) + "on-or-after\n" + Table(onOrAfter),
            TestContext.Current.CancellationToken);

        // README: 23,570 customers who first bought in Q1 1997 -> three monthly cohorts that add up to them.
        on.Select(c => c.Start).ShouldBe([new DateOnly(1997, 1, 1), new DateOnly(1997, 2, 1), new DateOnly(1997, 3, 1)]);
        on.Sum(c => c.Size).ShouldBe(23_570);

        // An independent count straight from the CSV: January customers who bought again in calendar month n
        // (a second purchase on the first day counts in month 0; the first purchase itself never does).
        var events = OracleData.ReadCdnow().ToList();
        var january = events.GroupBy(e => e.CustomerId)
            .Select(g => g.OrderBy(e => e.Timestamp).ThenBy(e => e.Seq).ToList())
            .Where(list => list[0].Timestamp < new DateTime(1997, 2, 1))
            .ToList();
        int Month(DateTime t, DateTime start) => (t.Year - start.Year) * 12 + t.Month - start.Month;
        for (var n = 0; n <= 12; n++)
        {
            var month = n;
            var returned = january.Count(list => list.Skip(1).Any(e => Month(e.Timestamp, list[0].Timestamp) == month));
            var later = january.Count(list => list.Skip(1).Any(e => Month(e.Timestamp, list[0].Timestamp) >= month));
            on[0].Retained[n].ShouldBe(returned, $"January cohort, month {n}, on");
            onOrAfter[0].Retained[n].ShouldBe(later, $"January cohort, month {n}, on-or-after");
        }
    }

    private static string Table(IReadOnlyList<OracleCohort> cohorts) =>
        string.Concat(cohorts.Select(c => $"{c.Start:yyyy-MM} {c.Size} | {string.Join(" ", c.Retained)}\n"));
}
