using DuckDB.NET.Data;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Trailmap.Journeys.Model;
using Xunit;

namespace Trailmap.Automation.Tests.Running;

/// <summary>
/// A workspace written when rule ids were workspace-wide (bare rule ids in decisions, outbox keys and pauses) moves
/// to per-journey keys when a runner first opens it, without sending anything again.
/// </summary>
public sealed class PerJourneyKeysMigrationTests : IDisposable
{
    private const string Yaml = """
        id: j
        title: J
        stages:
          - { id: signup, name: Sign up, entry: Signed Up }
        interventions:
          - id: shared
            name: Board shared
            when: { event: Board Shared }
            then: { channel: in-app, message: "Nice board" }
        """;

    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-rule-keys").FullName;

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
    public async Task Old_decisions_messages_and_pauses_get_their_journey_and_nothing_is_planned_twice()
    {
        var path = Path.Combine(dir, "workspace.duckdb");
        var clock = new FakeTimeProvider(Tiny.T("2026-01-10 14:00"));
        const string OldKey = "shared:c1:event-20260110T130000.000000Z";
        using (var old = Outbox.Open(path, clock))
        {
            old.Enqueue(new OutboxMessage(
                OldKey, "shared", "c1", new InterventionAction { Channel = ActionChannel.InApp, Message = "Nice board" }, Tiny.T("2026-01-10 13:00"),
                new Dictionary<string, string?>()));
            old.Pause("shared");
        }

        // The runner's tables as the earlier version wrote them: journey 'onboarding' ran 'shared', decided c1's share
        // and was paused at 13:30.
        Sql(path, """
            CREATE TABLE automation_rules (journey_id VARCHAR NOT NULL, rule_id VARCHAR NOT NULL, active_since TIMESTAMP NOT NULL,
                paused_since TIMESTAMP, paused_by VARCHAR, resumed_at TIMESTAMP, resumed_by VARCHAR, PRIMARY KEY (journey_id, rule_id));
            CREATE TABLE automation_decisions (idempotency_key VARCHAR PRIMARY KEY, journey_id VARCHAR NOT NULL, rule_id VARCHAR NOT NULL,
                customer_id VARCHAR NOT NULL, trigger_at TIMESTAMP NOT NULL, outcome VARCHAR NOT NULL, due_at TIMESTAMP, decided_at TIMESTAMP NOT NULL);
            INSERT INTO automation_rules VALUES ('onboarding', 'shared', '2026-01-10 12:00', '2026-01-10 13:30', 'ann', NULL, NULL);
            INSERT INTO automation_decisions VALUES ('shared:c1:event-20260110T130000.000000Z', 'onboarding', 'shared', 'c1',
                '2026-01-10 13:00', 'planned', '2026-01-10 13:00', '2026-01-10 13:01');
            """);

        using var outbox = Outbox.Open(path, clock);
        var log = Tiny.Log(("c1", "Board Shared", "2026-01-10 13:00"));
        using var runner = new AutomationRunner(path, outbox, (_, _) => Task.FromResult(log), clock, () => [AutomatedJourney.FromYaml("onboarding", Yaml, "j.yaml")]);

        outbox.Get(OldKey).ShouldBeNull();
        var moved = outbox.Get("onboarding/" + OldKey).ShouldNotBeNull();
        moved.RuleId.ShouldBe("onboarding/shared");
        outbox.PausedRules().ShouldBe([new PausedRule("onboarding/shared", Tiny.T("2026-01-10 13:30"))]);
        // The outbox knows the moved key: the same message again is a duplicate, not a second row.
        outbox.Enqueue(moved.ToMessage()).Added.ShouldBeFalse();

        runner.Resume("onboarding", "shared", "ann").WasPaused.ShouldBeTrue();
        var pass = await runner.RunOnceAsync(TestContext.Current.CancellationToken);

        // c1's share was decided before the move: decided once, never planned again.
        pass.Rules.ShouldHaveSingleItem().ShouldSatisfyAllConditions(r => r.Triggered.ShouldBe(1), r => r.Decided.ShouldBe(0));
        Enum.GetValues<OutboxState>().Sum(s => outbox.List(s).Count).ShouldBe(1);
        Scalar(path, "SELECT string_agg(idempotency_key, ',') FROM automation_decisions").ShouldBe("onboarding/" + OldKey);
    }

    private static void Sql(string path, string sql)
    {
        using var connection = new DuckDBConnection("DataSource=" + path);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Scalar(string path, string sql)
    {
        using var connection = new DuckDBConnection("DataSource=" + path);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }
}
