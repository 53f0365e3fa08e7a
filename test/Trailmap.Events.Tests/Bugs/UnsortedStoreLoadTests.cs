using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Bugs;

/// <summary>The loader skips the sort when the table is already in order, and must still be right when it is not.</summary>
public sealed class UnsortedStoreLoadTests
{
    [Fact]
    public void A_table_out_of_order_still_loads_sorted_by_customer_time_and_sequence()
    {
        using var store = EventStore.Open(":memory:");
        // Rows inserted by hand against the import's order: b before a, and a's later event first.
        store.Execute("""
            INSERT INTO events (customer_id, event, ts, message_id, properties, seq, import_id) VALUES
              ('b', 'x', TIMESTAMP '2026-01-01 00:00:02', 'm1', '{}', 1, 1),
              ('a', 'y', TIMESTAMP '2026-01-01 00:00:05', 'm2', '{}', 2, 1),
              ('a', 'x', TIMESTAMP '2026-01-01 00:00:01', 'm3', '{}', 3, 1),
              ('b', 'y', TIMESTAMP '2026-01-01 00:00:01', 'm4', '{}', 4, 1)
            """);
        var log = store.LoadEventLog();
        log.Customers.Length.ShouldBe(2);
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var times = log.Timestamps[log.Offsets[c]..log.Offsets[c + 1]];
            times.ShouldBe(times.Order().ToArray());
        }

        var a = Array.IndexOf(log.Customers, "a");
        log.Names[log.NameIds[log.Offsets[a]]].ShouldBe("x");
        log.Timestamps[log.Offsets[a]].ShouldBe(EventLogBuilder.ToMicros(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero)));
    }
}
