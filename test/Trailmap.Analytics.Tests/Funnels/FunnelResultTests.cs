using Trailmap.Analytics.Funnels;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Funnels;

public sealed class FunnelResultTests
{
    private const long S = TestLogs.Second;

    // Steps a, b, c; window 100 s. Customers:
    //   u1: a@0 b@10 c@40       -> level 3, a->b 10 s, b->c 30 s
    //   u2: a@0 b@20 c@30       -> level 3, a->b 20 s, b->c 10 s
    //   u3: a@0 b@60            -> level 2, a->b 60 s
    //   u4: a@0 a@50 b@70       -> level 2; the converting chain is the latest start reaching 2: a@50 b@70 = 20 s
    //   u5: a@0                 -> level 1
    // Step a: 5. Step b: 4 (from start 0.8, from previous 0.8, drop-off 1). Step c: 2 (0.4, 0.5, 2).
    // a->b times {10, 20, 60, 20} sorted 10 20 20 60: mean 27.5, median rank ceil(0.5*4)=2 -> 20, p90 rank ceil(3.6)=4 -> 60.
    // b->c times {30, 10} sorted 10 30: mean 20, median rank 1 -> 10, p90 rank ceil(1.8)=2 -> 30.
    [Fact]
    public void Step_counts_conversions_and_time_to_convert()
    {
        var log = TestLogs.Build(
        [
            new("u1", "a", 0), new("u1", "b", 10 * S), new("u1", "c", 40 * S),
            new("u2", "a", 0), new("u2", "b", 20 * S), new("u2", "c", 30 * S),
            new("u3", "a", 0), new("u3", "b", 60 * S),
            new("u4", "a", 0), new("u4", "a", 50 * S), new("u4", "b", 70 * S),
            new("u5", "a", 0),
        ]);
        var result = FunnelEngine.Run(log, new FunnelSpec { Steps = [new("a"), new("b"), new("c")], Window = Duration.Parse("100s") });

        result.Steps.Select(s => s.Customers).ShouldBe([5L, 4, 2]);
        result.Steps.Select(s => s.ConversionFromStart).ShouldBe([1.0, 0.8, 0.4]);
        result.Steps.Select(s => s.ConversionFromPrevious).ShouldBe([1.0, 0.8, 0.5]);
        result.Steps.Select(s => s.DropOff).ShouldBe([0L, 1, 2]);
        result.Steps[0].TimeToConvert.ShouldBeNull();
        result.Steps[1].TimeToConvert.ShouldBe(new TimeToConvert(27.5, 20, 60, 4));
        result.Steps[2].TimeToConvert.ShouldBe(new TimeToConvert(20, 10, 30, 2));
    }

    // Breakdown by "plan": the event property of the converting chain's step-1 event, else the customer trait.
    //   u1: a(plan=pro)@0 b@1   -> "pro", level 2
    //   u2: a@0                 -> no property; trait plan=free -> "free", level 1
    //   u3: a@0 b@1             -> neither -> "(none)", level 2
    [Fact]
    public void Breakdown_takes_the_start_event_property_then_the_trait()
    {
        var log = new EventLogBuilder()
            .Add("u1", "a", 0, 0, new Dictionary<string, object?> { ["plan"] = "pro" })
            .Add("u1", "b", S, 1, null)
            .Add("u2", "a", 0, 2, null)
            .Add("u3", "a", 0, 3, null)
            .Add("u3", "b", S, 4, null)
            .WithTraits(new Dictionary<string, IReadOnlyDictionary<string, object?>> { ["u2"] = new Dictionary<string, object?> { ["plan"] = "free" } })
            .Build();
        var result = FunnelEngine.Run(log, new FunnelSpec { Steps = [new("a"), new("b")], BreakdownProperty = "plan" });

        result.Breakdowns!.Keys.ShouldBe(["(none)", "free", "pro"]);
        result.Breakdowns["pro"].Select(s => s.Customers).ShouldBe([1L, 1]);
        result.Breakdowns["free"].Select(s => s.Customers).ShouldBe([1L, 0]);
        result.Breakdowns["(none)"].Select(s => s.Customers).ShouldBe([1L, 1]);
    }

    // Property filters on steps: only b with amount >= 10 counts. u1 b(5)@1 -> 1; u2 b(12)@1 -> 2.
    [Fact]
    public void Step_filters_read_event_properties()
    {
        var log = new EventLogBuilder()
            .Add("u1", "a", 0, 0, null)
            .Add("u1", "b", S, 1, new Dictionary<string, object?> { ["amount"] = 5 })
            .Add("u2", "a", 0, 2, null)
            .Add("u2", "b", S, 3, new Dictionary<string, object?> { ["amount"] = 12 })
            .Build();
        var result = FunnelEngine.Run(log, new FunnelSpec { Steps = [new("a"), new("b", Filter.Parse("amount >= 10"))] });

        result.CustomerLevel("u1").ShouldBe(1);
        result.CustomerLevel("u2").ShouldBe(2);
    }

    // From/To: From is inclusive, To exclusive. Range [1 s, 3 s) keeps b@1 and c@2 only, so a@0 is gone: level 0.
    [Fact]
    public void Range_drops_events_outside_from_and_to()
    {
        var log = TestLogs.Build(TestLogs.One("a@0 b@1 c@2 a@3"));
        var spec = new FunnelSpec
        {
            Steps = [new("a"), new("b")],
            From = DateTimeOffset.UnixEpoch.AddSeconds(1),
            To = DateTimeOffset.UnixEpoch.AddSeconds(3),
        };
        FunnelEngine.Run(log, spec).CustomerLevel("u").ShouldBe(0);
    }
}
