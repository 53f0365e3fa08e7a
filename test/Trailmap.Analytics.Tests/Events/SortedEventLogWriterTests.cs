using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Events;

public sealed class SortedEventLogWriterTests
{
    [Fact]
    public void Sorted_input_becomes_the_same_log_the_general_builder_makes()
    {
        var writer = new SortedEventLogWriter(capacity: 4);
        writer.Add("a", "x", 10, 1);
        writer.Add("a", "y", 10, 2);
        writer.Add("b", "x", 5, 3);
        writer.Add("b", "x", 7, 4);
        var log = writer.Build();
        log.Customers.ShouldBe(["a", "b"]);
        log.Offsets.ShouldBe([0, 2, 4]);
        log.Timestamps.ShouldBe([10L, 10L, 5L, 7L]);
        log.Names.ShouldBe(["x", "y"]);
        log.NameIds.ShouldBe([0, 1, 0, 0]);
    }

    [Fact]
    public void A_customer_whose_events_are_not_together_is_refused()
    {
        var writer = new SortedEventLogWriter();
        writer.Add("a", "x", 1, 1);
        writer.Add("b", "x", 1, 2);
        Should.Throw<InvalidOperationException>(() => writer.Add("a", "x", 2, 3)).Message.ShouldContain("'a'");
    }

    [Fact]
    public void Time_going_backwards_within_a_customer_is_refused()
    {
        var writer = new SortedEventLogWriter();
        writer.Add("a", "x", 5, 1);
        Should.Throw<InvalidOperationException>(() => writer.Add("a", "x", 4, 2));
        // The same instant with an earlier arrival number is out of order too.
        Should.Throw<InvalidOperationException>(() => writer.Add("a", "x", 5, 0));
    }

    [Fact]
    public void Writing_after_build_is_refused_because_the_log_shares_the_columns()
    {
        var writer = new SortedEventLogWriter(capacity: 16);
        writer.Add("a", "x", 1, 1);
        var log = writer.Build();
        Should.Throw<InvalidOperationException>(() => writer.Add("a", "x", 2, 2));
        log.EventCount.ShouldBe(1);
    }
}
