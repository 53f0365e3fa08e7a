using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests;

/// <summary>The store query the running rules read between sweeps: customers who changed since a position, whole.</summary>
public sealed class ChangedCustomersTests
{
    [Fact]
    public void Customers_with_new_events_or_new_traits_come_with_their_whole_history_and_traits()
    {
        using var dir = new TempDir();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        using var store = EventStore.Open(":memory:", clock);
        EventImporter.Import(store, [dir.Write("a.jsonl", string.Join("\n",
            """{"type":"track","userId":"u1","event":"Signed Up","messageId":"a1","timestamp":"2026-01-01T09:00:00Z"}""",
            """{"type":"track","userId":"u2","event":"Signed Up","messageId":"a2","timestamp":"2026-01-01T09:00:00Z"}""",
            """{"type":"identify","userId":"u3","traits":{"plan":"free"}}"""))], cancel: TestContext.Current.CancellationToken);
        var sequence = store.MaxSequence();
        sequence.ShouldNotBeNull();
        store.TraitsWatermark().ShouldBe(clock.GetUtcNow());

        clock.Advance(TimeSpan.FromMinutes(1));
        EventImporter.Import(store, [dir.Write("b.jsonl", string.Join("\n",
            """{"type":"track","userId":"u2","event":"Logged In","messageId":"b1","timestamp":"2026-01-01T11:00:00Z"}""",
            """{"type":"identify","userId":"u4","traits":{"plan":"pro"}}""",
            """{"type":"track","userId":"u5","event":"Signed Up","messageId":"b2","timestamp":"2026-01-01T11:30:00Z"}"""))], cancel: TestContext.Current.CancellationToken);

        // Traits updated at or after 12:00:01: only u4's (12:01). u1 and u3 changed nothing.
        var log = store.LoadEventLog(new EventLogQuery
        {
            ChangedAfterSequence = sequence.Value,
            ChangedTraitsSince = new DateTimeOffset(2026, 1, 1, 12, 0, 1, TimeSpan.Zero),
        });

        log.Customers.ShouldBe(["u2", "u5"]);
        log.EventCount.ShouldBe(3); // u2: Signed Up (old) and Logged In (new); u5: Signed Up
        Enumerable.Range(log.Offsets[0], 2).Select(i => log.Names[log.NameIds[i]]).ShouldBe(["Signed Up", "Logged In"]);
        log.Traits!.Keys.ShouldBe(["u4"]); // a traits-only customer has no events, so no place in the log, but its traits are read
        store.MaxSequence()!.Value.ShouldBeGreaterThan(sequence.Value);
    }

    [Fact]
    public void An_empty_store_has_no_position_and_nothing_changed()
    {
        using var store = EventStore.Open(":memory:");
        store.MaxSequence().ShouldBeNull();
        store.LoadEventLog(new EventLogQuery { ChangedAfterSequence = long.MinValue, ChangedTraitsSince = DateTimeOffset.UnixEpoch }).CustomerCount.ShouldBe(0);
    }
}
