using DuckDB.NET.Data;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Xunit;

namespace Trailmap.Automation.Tests.Running;

/// <summary>
/// A rule acts on every event after the moment its journey was saved, not only on those after the next pass: the
/// workspace's saved journeys (the tables the web's journey store writes) with a fake clock and a real DuckDB file.
/// </summary>
public sealed class SaveActivationTests : IDisposable
{
    private const string Yaml = """
        id: onboarding
        title: Onboarding
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
        interventions:
          - id: welcome
            name: Welcome
            when: { event: Signed Up }
            then: { channel: in-app, message: "Welcome" }
        """;

    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-save-activation").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temp later.
        }
    }

    [Fact]
    public async Task Every_customer_who_triggers_after_the_save_gets_the_message_even_before_the_next_pass()
    {
        var path = Path.Combine(dir, "workspace.duckdb");
        var saved = Tiny.T("2026-01-10 12:00:00");
        SaveJourney(path, "onboarding", Yaml, saved);
        // 20 customers sign up 10 s after the save; one signed up 10 s before it (history: never messaged).
        var events = Enumerable.Range(1, 20).Select(i => ($"c{i:00}", "Signed Up", "2026-01-10 12:00:10"))
            .Append(("early", "Signed Up", "2026-01-10 11:59:50")).ToArray();
        var log = Tiny.Log(events);
        var clock = new FakeTimeProvider(Tiny.T("2026-01-10 12:00:40"));
        using var outbox = Outbox.Open(path, clock);
        using var runner = new AutomationRunner(path, outbox, (_, _) => Task.FromResult(log), clock);

        // The first pass after the save comes 40 s later (the server's passes are at least a minute apart when idle).
        var pass = await runner.RunOnceAsync(TestContext.Current.CancellationToken);

        pass.Problems.ShouldBeEmpty();
        pass.Rules.ShouldHaveSingleItem().Planned.ShouldBe(20);
        runner.Rules().ShouldHaveSingleItem().ActiveSince.ShouldBe(saved);
        var keys = Enum.GetValues<OutboxState>().SelectMany(outbox.List).Select(e => e.CustomerId).Order(StringComparer.Ordinal).ToList();
        keys.ShouldBe(Enumerable.Range(1, 20).Select(i => $"c{i:00}").ToList());
    }

    [Fact]
    public async Task A_journey_saved_long_ago_is_active_from_at_most_the_grace_before_its_first_pass()
    {
        var path = Path.Combine(dir, "workspace.duckdb");
        SaveJourney(path, "onboarding", Yaml, Tiny.T("2025-06-01 00:00:00"));
        // Months of history since the save: only what falls inside the 15 minutes before the first pass acts.
        var log = Tiny.Log(("old", "Signed Up", "2025-07-01 00:00"), ("recent", "Signed Up", "2026-01-10 11:50"));
        var clock = new FakeTimeProvider(Tiny.T("2026-01-10 12:00"));
        using var outbox = Outbox.Open(path, clock);
        using var runner = new AutomationRunner(path, outbox, (_, _) => Task.FromResult(log), clock);

        var pass = await runner.RunOnceAsync(TestContext.Current.CancellationToken);

        // 12:00 - 15 min = 11:45.
        runner.Rules().ShouldHaveSingleItem().ActiveSince.ShouldBe(Tiny.T("2026-01-10 11:45"));
        pass.Rules.ShouldHaveSingleItem().Planned.ShouldBe(1);
        Enum.GetValues<OutboxState>().SelectMany(outbox.List).ShouldHaveSingleItem().CustomerId.ShouldBe("recent");
    }

    /// <summary>A journey saved as the web's journey store saves it (the same two tables, the same columns).</summary>
    private static void SaveJourney(string path, string slug, string yaml, DateTimeOffset at)
    {
        using var connection = new DuckDBConnection("DataSource=" + path);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SET TimeZone = 'UTC';
            CREATE TABLE journeys (id BIGINT PRIMARY KEY, slug VARCHAR NOT NULL UNIQUE, title VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, deleted_at TIMESTAMP);
            CREATE TABLE journey_versions (journey_id BIGINT NOT NULL, version INTEGER NOT NULL, yaml VARCHAR NOT NULL, author VARCHAR NOT NULL,
                message VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (journey_id, version));
            INSERT INTO journeys VALUES (1, $slug, 'Onboarding', $at, NULL);
            INSERT INTO journey_versions VALUES (1, 1, $yaml, 'ann@example.test', 'Created', $at);
            """;
        command.Parameters.Add(new DuckDBParameter("slug", slug));
        command.Parameters.Add(new DuckDBParameter("yaml", yaml));
        command.Parameters.Add(new DuckDBParameter("at", at.UtcDateTime));
        command.ExecuteNonQuery();
    }
}
