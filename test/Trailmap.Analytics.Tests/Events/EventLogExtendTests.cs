using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Events;

public sealed class EventLogExtendTests
{
    [Fact]
    public void New_events_merge_into_each_customer_in_time_order_and_new_names_and_customers_come_after()
    {
        var props = new Dictionary<string, object?> { ["plan"] = "pro" };
        var old = new EventLogBuilder()
            .Add("c1", "A", 1, 1, null).Add("c1", "A", 3, 2, null)
            .Add("c2", "B", 2, 3, props)
            .Add("c4", "B", 9, 4, null)
            .Build();
        var delta = new EventLogBuilder()
            .Add("c1", "C", 2, 5, null) // a new name, between c1's two events
            .Add("c1", "A", 3, 6, null) // same time as c1's second event: after it, by sequence
            .Add("c3", "A", 5, 7, null) // a new customer
            .Build();

        var log = old.Extend(delta, null);

        // c1, c2, c4 keep their places, c3 comes last; c2 and c4 are copied untouched.
        log.Customers.ShouldBe(["c1", "c2", "c4", "c3"]);
        log.Offsets.ShouldBe([0, 4, 5, 6, 7]);
        log.NameIds.Select(id => log.Names[id]).ShouldBe(["A", "C", "A", "A", "B", "B", "A"]);
        log.Timestamps.ShouldBe([1L, 2, 3, 3, 2, 9, 5]);
        log.Sequences.ShouldBe([1L, 5, 2, 6, 3, 4, 7]);
        log.Property(4, "plan").ShouldBe("pro");
        log.Names.ShouldBe(["A", "B", "C"]); // old ids kept, the new name appended
    }
}
