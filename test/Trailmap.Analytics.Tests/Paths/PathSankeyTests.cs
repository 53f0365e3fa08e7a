using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Paths;
using Trailmap.Analytics.Tests.Funnels;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Paths;

public sealed class PathSankeyTests
{
    private static string Nodes(PathSankey s) => string.Join(" | ", s.Nodes.Select(n => $"{n.Id}:{n.Step}:{(n.Other ? "*" : "")}{n.Event}={n.Customers}"));

    private static string Links(PathSankey s) => string.Join(" ", s.Links.Select(l => $"{l.Source}>{l.Target}={l.Customers}"));

    // From a, depth 2, min share 0.25 of the 7 anchored customers (u6 never does a): the threshold is 1.75 customers.
    //   u1 a b c, u2 a b d, u3 a b c, u4 a e, u5 a f c, u7 a, u8 b a b (after its first a: b)
    //   step 1: b 4 (u1 u2 u3 u8), e 1, f 1 -> e and f are other (2)
    //   step 2: c 3 (u1 u3 u5), d 1 -> d is other (1)
    //   links: a>b 4, a>other1 2 (u4 u5), b>c 2 (u1 u3), b>other2 1 (u2), other1>c 1 (u5); u4, u7 and u8 end early.
    [Fact]
    public void From_groups_the_events_under_the_share_into_each_steps_other()
    {
        var log = TestLogs.Build([
            .. TestLogs.One("a@0 b@1 c@2", "u1"),
            .. TestLogs.One("a@0 b@1 d@2", "u2"),
            .. TestLogs.One("a@0 b@1 c@2", "u3"),
            .. TestLogs.One("a@0 e@1", "u4"),
            .. TestLogs.One("a@0 f@1 c@2", "u5"),
            .. TestLogs.One("x@0", "u6"),
            .. TestLogs.One("a@0", "u7"),
            .. TestLogs.One("b@0 a@1 b@2", "u8"),
        ]);

        var sankey = PathSankey.Of(log, new SankeySpec { From = "a", Depth = 2, MinShare = 0.25m });

        sankey.Customers.ShouldBe(7);
        sankey.Direction.ShouldBe("from");
        Nodes(sankey).ShouldBe("0:0:a=7 | 1:1:b=4 | 2:1:*other=2 | 3:2:c=3 | 4:2:*other=1");
        Links(sankey).ShouldBe("0>1=4 0>2=2 1>3=2 1>4=1 2>3=1");
    }

    // Four anchored customers: b 2, c 1, d 1 after a. At a share of exactly 0.25 a node of one customer is kept
    // (1 >= 0.25 * 4); at 0.26 (threshold 1.04) c and d become other.
    [Theory]
    [InlineData("0.25", "0:0:a=4 | 1:1:b=2 | 2:1:c=1 | 3:1:d=1", "0>1=2 0>2=1 0>3=1")]
    [InlineData("0.26", "0:0:a=4 | 1:1:b=2 | 2:1:*other=2", "0>1=2 0>2=2")]
    public void A_node_at_exactly_the_minimum_share_is_kept(string share, string nodes, string links)
    {
        var log = TestLogs.Build([
            .. TestLogs.One("a@0 b@1", "u1"),
            .. TestLogs.One("a@0 b@1", "u2"),
            .. TestLogs.One("a@0 c@1", "u3"),
            .. TestLogs.One("a@0 d@1", "u4"),
        ]);

        var sankey = PathSankey.Of(log, new SankeySpec { From = "a", Depth = 3, MinShare = decimal.Parse(share, System.Globalization.CultureInfo.InvariantCulture) });

        Nodes(sankey).ShouldBe(nodes);
        Links(sankey).ShouldBe(links);
    }

    // To a, depth 2: u1 x y a, u2 y a, u3 a. Steps in time order: -2 x 1, -1 y 2, 0 a 3; links x>y 1, y>a 2.
    [Fact]
    public void To_runs_the_links_in_time_order_into_the_anchor()
    {
        var log = TestLogs.Build([
            .. TestLogs.One("x@0 y@1 a@2", "u1"),
            .. TestLogs.One("y@0 a@1", "u2"),
            .. TestLogs.One("a@0", "u3"),
        ]);

        var sankey = PathSankey.Of(log, new SankeySpec { To = "a", Depth = 2, MinShare = 0 });

        sankey.Direction.ShouldBe("to");
        Nodes(sankey).ShouldBe("0:-2:x=1 | 1:-1:y=2 | 2:0:a=3");
        Links(sankey).ShouldBe("0>1=1 1>2=2");
    }

    // Funnel a -> b within 10 s. u1 converts; u2 drops after a@0 and goes on to c, d; u3 reaches a@1 (after x@0) and
    // b only at 50 s, outside the window, so it drops: its path starts after a, at e then b. Dropped at step 1: 2.
    [Fact]
    public void Dropped_follows_the_customers_who_dropped_at_a_step_from_their_step_event()
    {
        var log = TestLogs.Build([
            .. TestLogs.One("a@0 b@5 c@6", "u1"),
            .. TestLogs.One("a@0 c@1 d@2", "u2"),
            .. TestLogs.One("x@0 a@1 e@2 b@50", "u3"),
        ]);
        var spec = new FunnelSpec { Steps = [new FunnelStep("a"), new FunnelStep("b")], Window = Duration.FromSeconds(10) };

        var sankey = PathSankey.Dropped(log, spec, FunnelEngine.Run(log, spec), 1, depth: 2, minShare: 0);

        sankey.Customers.ShouldBe(2);
        Nodes(sankey).ShouldBe("0:0:a=2 | 1:1:c=1 | 2:1:e=1 | 3:2:b=1 | 4:2:d=1");
        Links(sankey).ShouldBe("0>1=1 0>2=1 1>4=1 2>3=1");
    }

    [Fact]
    public void An_anchor_nobody_did_gives_an_empty_sankey()
    {
        var sankey = PathSankey.Of(TestLogs.Build(TestLogs.One("a@0 b@1")), new SankeySpec { From = "zzz" });

        sankey.Customers.ShouldBe(0);
        Nodes(sankey).ShouldBe("0:0:zzz=0");
        sankey.Links.ShouldBeEmpty();
    }

    [Fact]
    public void Dropped_at_the_last_step_is_refused()
    {
        var log = TestLogs.Build(TestLogs.One("a@0 b@1"));
        var spec = new FunnelSpec { Steps = [new FunnelStep("a"), new FunnelStep("b")], Window = Duration.FromSeconds(10) };

        Should.Throw<ArgumentOutOfRangeException>(() => PathSankey.Dropped(log, spec, FunnelEngine.Run(log, spec), 2, 3, 0.05m));
    }
}
