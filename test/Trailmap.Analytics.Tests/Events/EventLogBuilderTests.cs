using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Events;

public sealed class EventLogBuilderTests
{
    [Fact]
    public void Build_orders_by_customer_then_timestamp_then_sequence()
    {
        var log = new EventLogBuilder()
            .Add("bob", "late", 20, 1, null)
            .Add("ann", "second", 10, 7, null)
            .Add("ann", "first", 10, 3, null)
            .Add("bob", "early", 5, 9, null)
            .Build();

        log.Customers.ShouldBe(["ann", "bob"]);
        log.Offsets.ShouldBe([0, 2, 4]);
        log.NameIds.Select(id => log.Names[id]).ShouldBe(["first", "second", "early", "late"]);
        log.Sequences.ShouldBe([3L, 7, 9, 1]);
    }

    [Fact]
    public void Properties_and_traits_are_read_back()
    {
        var log = new EventLogBuilder()
            .Add("ann", "signup", 1, 0, new Dictionary<string, object?> { ["plan"] = "team" })
            .WithTraits(new Dictionary<string, IReadOnlyDictionary<string, object?>> { ["ann"] = new Dictionary<string, object?> { ["persona"] = "admin" } })
            .Build();

        log.Property(0, "plan").ShouldBe("team");
        log.Property(0, "missing").ShouldBeNull();
        log.Trait(0, "persona").ShouldBe("admin");
    }
}
