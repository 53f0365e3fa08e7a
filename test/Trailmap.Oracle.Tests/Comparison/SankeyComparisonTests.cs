using Shouldly;
using Trailmap.Analytics.Paths;
using Trailmap.Oracle.Tests.Data;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// The Sankey of paths against <see cref="OracleSankey"/>: every node's and every link's customers, with the same
/// "other" grouping, on random logs and on REES46, after and before an event, at several minimum shares.
/// </summary>
public sealed class SankeyComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 16)];

    private async Task CompareAsync(IReadOnlyList<OracleEvent> events, string anchor, bool after, int depth, decimal share, string what)
    {
        var log = RandomLog.BuildEventLog(events);
        var sankey = PathSankey.Of(log, after ? new SankeySpec { From = anchor, Depth = depth, MinShare = share } : new SankeySpec { To = anchor, Depth = depth, MinShare = share });
        var (nodes, links) = await new OracleSankey(database).SankeyAsync(anchor, after, depth, share, TestContext.Current.CancellationToken);

        string Name(SankeyNode n) => n.Other ? "" : n.Event;
        sankey.Nodes.Select(n => (n.Step, Name(n), n.Other, n.Customers))
            .OrderBy(n => n.Step).ThenBy(n => n.Other).ThenBy(n => n.Item2, StringComparer.Ordinal)
            .ShouldBe(nodes.Select(n => (n.Step, n.Event, n.Other, n.Customers)), what + ": nodes");
        sankey.Links.Select(l => (S: sankey.Nodes[l.Source], T: sankey.Nodes[l.Target], l.Customers))
            .Select(l => (l.S.Step, Name(l.S), l.S.Other, l.T.Step, Name(l.T), l.T.Other, l.Customers))
            .OrderBy(l => l.Item1).ThenBy(l => l.Item3).ThenBy(l => l.Item2, StringComparer.Ordinal)
            .ThenBy(l => l.Item4).ThenBy(l => l.Item6).ThenBy(l => l.Item5, StringComparer.Ordinal)
            .ShouldBe(links.Select(l => (l.FromStep, l.FromEvent, l.FromOther, l.ToStep, l.ToEvent, l.ToOther, l.Customers)), what + ": links");
        links.Count.ShouldBeGreaterThan(0, what + ": a comparison without links checks little");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_logs_give_the_oracles_nodes_and_links(int seed)
    {
        database.RequireServer();
        var log = RandomLog.Generate(seed);
        await database.LoadEventsAsync(log.Events, TestContext.Current.CancellationToken);
        var share = new[] { 0m, 0.1m, 0.25m, 0.5m }[seed % 4];
        // The anchor is the log's first name; some seeds' logs have no event after (or before) it: those check only nodes.
        var after = seed % 2 == 0;
        var events = log.Events;
        var sankey = PathSankey.Of(RandomLog.BuildEventLog(events), after ? new SankeySpec { From = log.Names[0], Depth = 3, MinShare = share } : new SankeySpec { To = log.Names[0], Depth = 3, MinShare = share });
        if (sankey.Links.Count == 0)
        {
            return;
        }

        await CompareAsync(events, log.Names[0], after, 3, share, $"seed {seed}, {(after ? "from" : "to")} {log.Names[0]}, share {share}");
    }

    [Theory]
    [InlineData("view", true, 4, "0.05")]
    [InlineData("view", true, 3, "0.01")]
    [InlineData("cart", true, 3, "0")]
    [InlineData("purchase", false, 3, "0.02")]
    [InlineData("cart", false, 2, "0.2")]
    public async Task Rees46_gives_the_oracles_nodes_and_links(string anchor, bool after, int depth, string share)
    {
        OracleData.RequireFile(OracleData.Rees46Path);
        database.RequireServer();
        await OracleData.LoadRees46Async(database, TestContext.Current.CancellationToken);
        var events = OracleData.ReadRees46().ToList();
        await CompareAsync(events, anchor, after, depth, decimal.Parse(share, System.Globalization.CultureInfo.InvariantCulture), $"REES46 {(after ? "from" : "to")} {anchor}, depth {depth}, share {share}");
    }
}
