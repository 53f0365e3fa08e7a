using System.Net;
using DuckDB.NET.Data;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

/// <summary>
/// A store written before the accepted range of event times existed may hold times at the calendar's ends (a sentAt
/// of 0001-01-01 once moved events thousands of years ahead). Monthly retention over them answered 500; it must
/// answer with the table.
/// </summary>
public sealed class ExtremeStoredTimesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Monthly_retention_answers_for_times_at_both_ends_of_the_calendar()
    {
        using var factory = new WorkspaceFactory();
        var stored = factory.Service<JourneyStore>().Create(TrialYaml, "test");
        var data = factory.Service<EventData>();

        // Straight into the table, past today's import check, as an older store holds them.
        using (var connection = new DuckDBConnection("DataSource=" + factory.Options.DbPath))
        {
            await connection.OpenAsync(Cancel);
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO events VALUES
                    ('amy', 'Signed Up', TIMESTAMP '0001-01-01 00:00:00', 'm1', '{}', 1, 0),
                    ('amy', 'Page Viewed', TIMESTAMP '0001-02-01 00:00:00', 'm2', '{}', 2, 0),
                    ('zed', 'Signed Up', TIMESTAMP '9999-12-15 00:00:00', 'm3', '{}', 3, 0),
                    ('zed', 'Board Shared', TIMESTAMP '9999-12-20 00:00:00', 'm4', '{}', 4, 0)
                """;
            await insert.ExecuteNonQueryAsync(Cancel);
        }

        data.Changed();
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var response = await client.GetAsync($"/journeys/{stored.Slug}/retention?period=month&periods=2", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        // amy: no return in month 0 (01-01..02-01), her page view on 02-01 is month 1, none in month 2; the data runs
        // to 9999-12-20, so all three months have elapsed. zed: his board on 9999-12-20 is month 0; month 1 would begin
        // on 10000-01-15, after the calendar's end, so it has not begun (·).
        Rows(await response.Content.ReadAsStringAsync(Cancel), "list retention").ShouldBe(
        [
            "0001-01-01 1 0% 100% 0%",
            "9999-12-01 1 100% · ·",
        ]);
    }
}
