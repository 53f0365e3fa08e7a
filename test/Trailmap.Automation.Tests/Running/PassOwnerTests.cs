using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Xunit;

namespace Trailmap.Automation.Tests.Running;

/// <summary>
/// Two runners (two nodes) on one PostgreSQL state: one owns each pass, the other skips it, and together they decide
/// and enqueue each trigger once (docs/postgres-state.md, "One owner per rule pass"). The oracle is the tables read
/// with plain SQL, and a probe inside the passes that counts how many run at once.
/// </summary>
public sealed class PassOwnerTests : IDisposable
{
    private const string Journey = """
        id: j
        title: J
        stages:
          - { id: s, name: S, entry: Board Shared }
        interventions:
          - id: shared
            name: Board shared
            when: { event: Board Shared }
            then: { channel: in-app, message: "Nice board" }
        """;

    private readonly PostgresState postgres = new();

    public void Dispose() => postgres.Dispose();

    private RunnerFixture Node()
    {
        var f = new RunnerFixture(Tiny.T("2026-01-10 12:00"), state: postgres.Address);
        f.Journeys["j"] = Journey;
        // Three customers share a board after the rule is activated (12:00): three triggers in all.
        f.Log = Tiny.Log(("a", "Board Shared", "2026-01-10 13:00"), ("b", "Board Shared", "2026-01-10 13:10"), ("c", "Board Shared", "2026-01-10 13:20"));
        return f;
    }

    [Fact]
    public void With_state_the_saved_journeys_are_read_from_postgres_where_serve_keeps_the_workspace()
    {
        using var f = Node();
        f.Runner.StoredJourneys().ShouldBeEmpty();   // no workspace tables yet: no serve has run on this database

        // What serve --state writes (the workspace component's journeys and versions): one journey, two versions, and
        // a deleted one that must not run.
        postgres.Count(
            $"""
            CREATE TABLE {postgres.Schema}.journeys (id bigint PRIMARY KEY, slug text NOT NULL UNIQUE, title text NOT NULL, created_at timestamptz NOT NULL, deleted_at timestamptz);
            CREATE TABLE {postgres.Schema}.journey_versions (journey_id bigint NOT NULL, version integer NOT NULL, yaml text NOT NULL, author text NOT NULL, message text NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (journey_id, version));
            INSERT INTO {postgres.Schema}.journeys VALUES (1, 'board', 'Boards', '2026-01-10 10:00Z', NULL), (2, 'gone', 'Gone', '2026-01-10 10:00Z', '2026-01-10 11:00Z');
            INSERT INTO {postgres.Schema}.journey_versions VALUES
                (1, 1, 'not yaml: [', 'ada', 'Created', '2026-01-10 10:00Z'),
                (1, 2, $yaml${Journey}$yaml$, 'ada', 'Edited', '2026-01-10 11:30Z'),
                (2, 1, $yaml${Journey}$yaml$, 'ada', 'Created', '2026-01-10 10:00Z');
            SELECT 1
            """).ShouldBe(1);

        var stored = f.Runner.StoredJourneys().ShouldHaveSingleItem();
        (stored.Id, stored.Version, stored.SavedAt).ShouldBe(("board", (int?)2, (DateTimeOffset?)Tiny.T("2026-01-10 11:30")));
    }

    [Fact]
    public async Task While_one_node_runs_a_pass_the_other_skips_it_and_decides_nothing_twice()
    {
        using var first = Node();
        using var second = Node();
        (await first.PassAsync()).OwnedElsewhere.ShouldBeFalse();
        first.At("2026-01-10 14:00");
        second.At("2026-01-10 14:00");

        // Hold the first node inside its pass (it owns the pass until it returns).
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Loading = async () =>
        {
            inside.TrySetResult();
#pragma warning disable VSTHRD003 // The test completes it below; no synchronization context is involved.
            await release.Task;
#pragma warning restore VSTHRD003
        };
        var held = first.PassAsync();
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var skipped = await second.PassAsync();
        skipped.OwnedElsewhere.ShouldBeTrue();
        skipped.Rules.ShouldBeEmpty();
        skipped.ToString().ShouldBe("another node is running the rules' pass; this one skipped it");
        postgres.Count("SELECT count(*) FROM delivery_outbox").ShouldBe(0);

        release.SetResult();
        var owned = await held;
        owned.Planned.ShouldBe(3);

        // The lease was given back: the second node runs the next pass, and finds all three decided.
        var next = await second.PassAsync();
        next.OwnedElsewhere.ShouldBeFalse();
        next.Planned.ShouldBe(0);
        postgres.Count("SELECT count(*) FROM delivery_outbox").ShouldBe(3);
        postgres.Count("SELECT count(*) FROM automation_decisions WHERE outcome = 'planned'").ShouldBe(3);
    }

    [Fact]
    public async Task Two_nodes_passing_at_once_never_overlap_and_enqueue_each_trigger_once()
    {
        const int Rounds = 15;
        using var first = Node();
        using var second = Node();
        (await first.PassAsync()).OwnedElsewhere.ShouldBeFalse();
        first.At("2026-01-10 14:00");
        second.At("2026-01-10 14:00");

        // The probe: how many passes are inside their event load at once, across both nodes.
        var insideNow = 0;
        var mostAtOnce = 0;
        async Task Probe()
        {
            var n = Interlocked.Increment(ref insideNow);
            int seen;
            while ((seen = Volatile.Read(ref mostAtOnce)) < n && Interlocked.CompareExchange(ref mostAtOnce, n, seen) != seen)
            {
            }

            await Task.Delay(20);
            Interlocked.Decrement(ref insideNow);
        }

        first.Loading = Probe;
        second.Loading = Probe;
        using var start = new Barrier(2);
        async Task<(int Ran, int Skipped, int Planned)> Run(RunnerFixture node)
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            var (ran, skipped, planned) = (0, 0, 0);
            for (var i = 0; i < Rounds; i++)
            {
                var pass = await node.PassAsync();
                if (pass.OwnedElsewhere)
                {
                    skipped++;
                }
                else
                {
                    ran++;
                    planned += pass.Planned;
                }
            }

            return (ran, skipped, planned);
        }

        var results = await Task.WhenAll(
            Task.Run(() => Run(first), TestContext.Current.CancellationToken),
            Task.Run(() => Run(second), TestContext.Current.CancellationToken));

        // Every pass either ran or was skipped; no two ran at once; the three triggers were planned once in all.
        results.Sum(r => r.Ran + r.Skipped).ShouldBe(2 * Rounds);
        results.Sum(r => r.Ran).ShouldBeGreaterThan(0);
        mostAtOnce.ShouldBe(1);
        results.Sum(r => r.Planned).ShouldBe(3);
        postgres.Count("SELECT count(*) FROM delivery_outbox").ShouldBe(3);
        postgres.Count("SELECT count(*) FROM automation_decisions").ShouldBe(3);
    }
}
