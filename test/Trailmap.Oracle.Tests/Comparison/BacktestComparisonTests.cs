using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Shouldly;
using Trailmap.Automation.Backtest;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Generation;
using Trailmap.Journeys.Templates;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// The backtest of a re-engagement rule against hand-written SQL over the same generated events: the b2b template's
/// <c>no-login-14d</c> (<c>{ no_event: Logged In, for: 14d }</c>), per day.
/// </summary>
public sealed class BacktestComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    // docs/automation.md, "No event for a duration": a quiet spell starts at each Logged In and at the customer's
    // first event of any kind; it fires at start + 14d when the customer's next Logged In (strictly after the start)
    // is later than that, or never comes. Counted per UTC day of the firing, firings in [from, to).
    private const string QuietSpellsPerDay =
        """
        WITH firsts AS (
            SELECT customer_id, min(ts) AS start FROM events GROUP BY customer_id
        ), logins AS (
            SELECT customer_id, ts FROM events WHERE event = @event
        ), starts AS (
            SELECT customer_id, start FROM firsts
            UNION
            SELECT customer_id, ts FROM logins
        ), spells AS (
            SELECT s.customer_id, s.start + @quiet AS fires,
                   (SELECT min(l.ts) FROM logins l WHERE l.customer_id = s.customer_id AND l.ts > s.start) AS next_login
            FROM starts s
        )
        SELECT fires::date AS day, count(*)::int AS n
        FROM spells
        WHERE (next_login IS NULL OR next_login > fires) AND fires >= @from AND fires < @to
        GROUP BY 1
        ORDER BY 1
        """;

    [Fact]
    public async Task No_login_for_14_days_fires_on_the_same_days_as_the_sql()
    {
        database.RequireServer();
        var ct = TestContext.Current.CancellationToken;
        var journey = JourneyFile.FromText(TemplateCatalog.ReadYaml("b2b-customer-success")).Journey!;
        var options = new GeneratorOptions { Customers = 600, Seed = 11, Span = Trailmap.Journeys.Model.Duration.Parse("90d") };
        var tracks = EventGenerator.Generate(journey, options).Where(m => m.Type == MessageType.Track).ToList();
        var events = tracks.Select((m, i) => new OracleEvent(
            m.UserId, m.Event!, m.Timestamp.UtcDateTime, i, m.Properties.Count > 0 ? JsonSerializer.Serialize(m.Properties) : null)).ToList();
        await database.LoadEventsAsync(events, ct);
        var builder = new EventLogBuilder();
        foreach (var e in events)
        {
            builder.Add(e.CustomerId, e.Event, EventLogBuilder.ToMicros(new DateTimeOffset(e.Timestamp, TimeSpan.Zero)), e.Seq);
        }

        var (from, to) = (options.Start.AddDays(7), options.Start.AddDays(150));
        var report = Backtester.Run(journey, builder.Build(), from, to, cancellationToken: ct);
        var engine = report.Rows.Where(r => r.RuleId == "no-login-14d").Select(r => (r.Day, r.Triggered)).ToList();

        var expected = new List<(DateOnly, int)>();
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        await using (var command = new NpgsqlCommand(QuietSpellsPerDay, connection))
        {
            command.Parameters.AddWithValue("event", "Logged In");
            command.Parameters.AddWithValue("quiet", NpgsqlDbType.Interval, TimeSpan.FromDays(14));
            command.Parameters.AddWithValue("from", NpgsqlDbType.Timestamp, DateTime.SpecifyKind(from.UtcDateTime, DateTimeKind.Unspecified));
            command.Parameters.AddWithValue("to", NpgsqlDbType.Timestamp, DateTime.SpecifyKind(to.UtcDateTime, DateTimeKind.Unspecified));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                expected.Add((DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetInt32(1)));
            }
        }

        expected.Sum(e => e.Item2).ShouldBeGreaterThan(100, "the generated history should go quiet often enough to test anything");
        engine.ShouldBe(expected);
    }
}
