using Npgsql;
using Shouldly;
using Trailmap.Analytics.Cohorts;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Oracle.Tests.Data;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// A behavioural cohort's members against SQL written from docs/cohorts.md in PostgreSQL, on REES46: the window
/// opens at the customer's first anchor event and is inclusive at both ends; did_not with no window means never.
/// </summary>
public sealed class CohortComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    // Browsed hard and carted a little, never bought: at least 3 views within 10 minutes of the first view (that view
    // counts), 1 or 2 carts within 30 minutes of it, no purchase at all.
    private const string Browsers = """
        - id: browsers
          did:
            - { event: view, at_least: 3, of: view, within: 10m }
            - { event: cart, at_least: 1, at_most: 2, of: view, within: 30m }
          did_not: [purchase]
        """;

    private const string BrowsersSql =
        """
        WITH anchor AS (SELECT customer_id, min(ts) AS a FROM events WHERE event = 'view' GROUP BY customer_id),
        v AS (SELECT e.customer_id, count(*) AS n FROM events e JOIN anchor USING (customer_id)
              WHERE e.event = 'view' AND e.ts >= anchor.a AND e.ts <= anchor.a + interval '10 minutes' GROUP BY 1),
        c AS (SELECT e.customer_id, count(*) AS n FROM events e JOIN anchor USING (customer_id)
              WHERE e.event = 'cart' AND e.ts >= anchor.a AND e.ts <= anchor.a + interval '30 minutes' GROUP BY 1)
        SELECT anchor.customer_id FROM anchor JOIN v USING (customer_id) JOIN c USING (customer_id)
        WHERE v.n >= 3 AND c.n BETWEEN 1 AND 2
          AND NOT EXISTS (SELECT 1 FROM events p WHERE p.customer_id = anchor.customer_id AND p.event = 'purchase')
        ORDER BY anchor.customer_id COLLATE "C"
        """;

    // A property filter, whole history: viewed Samsung products at least twice and never carted anything within
    // 5 minutes of the first Samsung view.
    private const string SamsungLookers = """
        - id: samsung-lookers
          did:
            - { event: view, where: 'brand == "samsung"', at_least: 2 }
          did_not:
            - { event: cart, of: { event: view, where: 'brand == "samsung"' }, within: 5m }
        """;

    private const string SamsungSql =
        """
        WITH anchor AS (SELECT customer_id, min(ts) AS a FROM events WHERE event = 'view' AND props->>'brand' = 'samsung' GROUP BY customer_id),
        v AS (SELECT customer_id, count(*) AS n FROM events WHERE event = 'view' AND props->>'brand' = 'samsung' GROUP BY 1)
        SELECT anchor.customer_id FROM anchor JOIN v USING (customer_id)
        WHERE v.n >= 2
          AND NOT EXISTS (SELECT 1 FROM events p WHERE p.customer_id = anchor.customer_id AND p.event = 'cart'
                          AND p.ts >= anchor.a AND p.ts <= anchor.a + interval '5 minutes')
        ORDER BY anchor.customer_id COLLATE "C"
        """;

    [Theory]
    [InlineData(Browsers, BrowsersSql)]
    [InlineData(SamsungLookers, SamsungSql)]
    public async Task Rees46_behavioural_cohort_members_equal_the_oracles(string yaml, string sql)
    {
        OracleData.RequireFile(OracleData.Rees46Path);
        database.RequireServer();
        var ct = TestContext.Current.CancellationToken;
        await OracleData.LoadRees46Async(database, ct);
        var builder = new EventLogBuilder();
        foreach (var e in OracleData.ReadRees46())
        {
            var brand = System.Text.Json.JsonDocument.Parse(e.PropsJson!).RootElement.GetProperty("brand").GetString();
            builder.Add(e.CustomerId, e.Event, (e.Timestamp.Ticks - DateTime.UnixEpoch.Ticks) / 10, e.Seq,
                new Dictionary<string, object?> { ["brand"] = brand });
        }

        var text = "id: j\ntitle: J\nstages:\n  - { id: s, name: S }\ncohorts:\n" + string.Join('\n', yaml.Split('\n').Select(l => "  " + l));
        var file = JourneyFile.FromText(text);
        file.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ShouldBeEmpty();
        var engine = CohortAnalysis.Members(builder.Build(), file.Journey!.Cohorts[0]).Order(StringComparer.Ordinal).ToList();

        var oracle = new List<string>();
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        await using (var command = new NpgsqlCommand(sql, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                oracle.Add(reader.GetString(0));
            }
        }

        engine.ShouldBe(oracle);
        oracle.Count.ShouldBeGreaterThan(0, "the cohort should have members on this data, or the comparison proves little");
    }
}
