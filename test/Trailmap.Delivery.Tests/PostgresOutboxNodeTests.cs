using System.Collections.Concurrent;
using Shouldly;
using Trailmap.Delivery.Tests.Infrastructure;
using Xunit;
using static Trailmap.Delivery.Tests.Infrastructure.Messages;

namespace Trailmap.Delivery.Tests;

/// <summary>
/// Several nodes on one PostgreSQL outbox (each <see cref="Outbox"/> opened on the address is a node with its own
/// connections): claims never overlap, enqueues of one key add it once, and a node's claims go back to pending only
/// when the node is gone. The oracle is the table read with plain SQL.
/// </summary>
public sealed class PostgresOutboxNodeTests : IDisposable
{
    private readonly PostgresState state = new();

    public void Dispose() => state.Dispose();

    [Fact]
    public async Task Two_nodes_claiming_at_once_never_take_the_same_message_and_together_take_all()
    {
        const int Messages = 600;
        using var first = Outbox.Open(state.Address, Clock());
        using var second = Outbox.Open(state.Address, Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        first.EnqueueMany(Enumerable.Range(0, Messages).Select(i => Make("r1", $"c{i:000}", "e", action)));

        using var start = new Barrier(2);
        var claims = new ConcurrentBag<(int Node, string Key)>();
        async Task Drain(Outbox node, int id)
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            while (true)
            {
                // Small batches, each recorded before the next claim, so the two nodes interleave many times.
                var claimed = await node.ClaimAsync(Start, 5);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var entry in claimed)
                {
                    claims.Add((id, entry.IdempotencyKey));
                    await node.RecordAsync(Outbox.Outcome.Sent(entry.IdempotencyKey, $"node {id}", Start));
                }
            }
        }

        await Task.WhenAll(
            Task.Run(() => Drain(first, 1), TestContext.Current.CancellationToken),
            Task.Run(() => Drain(second, 2), TestContext.Current.CancellationToken));

        // Every message claimed exactly once across the two nodes, and each node took part.
        claims.Count.ShouldBe(Messages);
        claims.Select(c => c.Key).Distinct().Count().ShouldBe(Messages);
        claims.Count(c => c.Node == 1).ShouldBeGreaterThan(0);
        claims.Count(c => c.Node == 2).ShouldBeGreaterThan(0);
        state.Count("SELECT count(*) FROM delivery_outbox WHERE state = 'sent' AND attempts = 1").ShouldBe(Messages);
        // Each message's receipt names the node that claimed it: the outcome landed where the claim was.
        state.Count("SELECT count(*) FROM delivery_outbox WHERE receipt = 'node 1'").ShouldBe(claims.Count(c => c.Node == 1));
    }

    [Fact]
    public async Task Two_nodes_enqueueing_the_same_keys_add_each_key_once()
    {
        using var first = Outbox.Open(state.Address, Clock());
        using var second = Outbox.Open(state.Address, Clock());
        var action = Webhook("http://127.0.0.1:9/hook");
        var added = 0;
        using var start = new Barrier(4);

        // Four callers, two per node, each enqueueing the same 200 keys in batches of 20.
        await Task.WhenAll(new[] { first, second, first, second }.Select(node => Task.Run(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                foreach (var chunk in Enumerable.Range(0, 200).Chunk(20))
                {
                    var results = node.EnqueueMany(chunk.Select(i => Make("r1", $"c{i}", "e", action)));
                    Interlocked.Add(ref added, results.Count(r => r.Added));
                }
            },
            TestContext.Current.CancellationToken)));

        added.ShouldBe(200);
        state.Count("SELECT count(*) FROM delivery_outbox").ShouldBe(200);
    }

    [Fact]
    public async Task A_live_nodes_claims_stay_its_own_and_a_gone_nodes_go_back_to_pending()
    {
        var action = Webhook("http://127.0.0.1:9/hook");
        var gone = Outbox.Open(state.Address, Clock());
        gone.EnqueueMany(Enumerable.Range(0, 5).Select(i => Make("r1", $"c{i}", "e", action)));
        (await gone.ClaimAsync(Start, 3)).Count.ShouldBe(3);

        using var live = Outbox.Open(state.Address, Clock());
        // The claiming node still holds its lock: nothing is taken from it, and the other node claims the rest only.
        live.RecoveredInFlight.ShouldBe(0);
        (await live.ClaimAsync(Start, 10)).Select(e => e.CustomerId).ShouldBe(["c3", "c4"]);

        // The node ends without recording anything (its session, and with it its lock, ends).
        gone.Dispose();
        using var third = Outbox.Open(state.Address, Clock());

        third.RecoveredInFlight.ShouldBe(3);
        third.RecoveredKeys.Order(StringComparer.Ordinal).ShouldBe(["r1:c0:e", "r1:c1:e", "r1:c2:e"]);
        // The live node's two claims are untouched; the three recovered count the lost attempt.
        state.Count("SELECT count(*) FROM delivery_outbox WHERE state = 'sending'").ShouldBe(2);
        state.Count("SELECT count(*) FROM delivery_outbox WHERE state = 'pending' AND attempts = 1 AND claimed_by IS NULL").ShouldBe(3);
        (await third.ClaimAsync(Start, 10)).Select(e => (e.CustomerId, e.Attempts)).ShouldBe([("c0", 2), ("c1", 2), ("c2", 2)]);
    }

    [Fact]
    public void The_tables_are_created_once_and_versioned()
    {
        using (Outbox.Open(state.Address, Clock()))
        using (Outbox.Open(state.Address, Clock()))
        {
            state.Count("SELECT version FROM trailmap_schema_versions WHERE component = 'outbox'").ShouldBe(1);
        }

        // A database written by a newer Trailmap is refused, not misread.
        state.Count("UPDATE trailmap_schema_versions SET version = 2 WHERE component = 'outbox' RETURNING 1").ShouldBe(1);
        var error = Should.Throw<InvalidOperationException>(() => Outbox.Open(state.Address, Clock()));
        error.Message.ShouldContain("are at version 2, written by a newer Trailmap; this one knows versions up to 1");
    }

    [Fact]
    public void A_node_whose_session_was_ended_reconnects_at_the_next_statement()
    {
        using var outbox = Outbox.Open(state.Address, Clock());
        outbox.Enqueue(Make("r1", "c1", "e", Webhook("http://127.0.0.1:9/hook")));

        // End the node's working session (not its lock's), as a server restart or an administrator would, and wait
        // (up to 5 s) until it is gone.
        var pid = ((PostgresOutboxDatabase)outbox.Database).BackendProcessId;
        state.Count($"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid} AND application_name = 'trailmap'").ShouldBe(1);
        state.Count($"SELECT count(*) FROM (SELECT pg_terminate_backend({pid}, 5000) AS ended) t WHERE ended").ShouldBe(1);

        // The statement that finds the session gone fails; the next one runs on a new session.
        Should.Throw<Npgsql.NpgsqlException>(() => outbox.Counts());
        outbox.Counts()[OutboxState.Pending].ShouldBe(1);
        outbox.Enqueue(Make("r1", "c2", "e", Webhook("http://127.0.0.1:9/hook"))).Added.ShouldBeTrue();
        state.Count("SELECT count(*) FROM delivery_outbox").ShouldBe(2);
    }
}
