using Trailmap.Analytics.Funnels;
using Trailmap.Events;

namespace Trailmap.Analytics.Paths;

/// <summary>
/// A Sankey of paths: what customers do after (<see cref="From"/>) or before (<see cref="To"/>) their first anchor
/// event, step by step. Set exactly one of them.
/// </summary>
public sealed record SankeySpec
{
    public string? From { get; init; }

    public string? To { get; init; }

    /// <summary>How many steps after (or before) the anchor the Sankey reaches.</summary>
    public int Depth { get; init; } = 3;

    /// <summary>
    /// A node holding fewer than this share of the anchored customers joins its step's "other" node. Decimal so that
    /// the boundary (a node at exactly the share is kept) does not depend on binary rounding.
    /// </summary>
    public decimal MinShare { get; init; } = PathSankey.DefaultMinShare;
}

/// <summary>
/// One node: an event at a step (0 is the anchor; 1, 2, ... after it; -1, -2, ... before it), or the step's
/// <see cref="Other"/> node, which holds the events each below the minimum share.
/// </summary>
public sealed record SankeyNode(int Id, int Step, string Event, bool Other, long Customers);

/// <summary>Customers who went from one node to the next, in time order (source earlier than target).</summary>
public sealed record SankeyLink(int Source, int Target, long Customers);

/// <summary>
/// The Sankey: <see cref="Customers"/> is everyone anchored (the anchor node's count). Nodes are ordered by step in
/// time order, then by customers (most first), then by event name (ordinal), with "other" last in its step; links by
/// source, then target. A path shorter than the depth just ends: a node's customers less its outgoing links are those
/// whose path ended there.
/// </summary>
public sealed record PathSankey(
    string Anchor,
    string Direction,
    int Depth,
    decimal MinShare,
    long Customers,
    IReadOnlyList<SankeyNode> Nodes,
    IReadOnlyList<SankeyLink> Links)
{
    public const decimal DefaultMinShare = 0.05m;

    /// <summary>The label of a step's node grouping the events each below the minimum share.</summary>
    public const string OtherLabel = "other";

    /// <summary>The Sankey of <paramref name="spec"/>: anchored at each customer's first anchor event.</summary>
    public static PathSankey Of(EventLog log, SankeySpec spec)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(spec);
        if ((spec.From is null) == (spec.To is null))
        {
            throw new ArgumentException("a Sankey needs exactly one of From or To");
        }

        var anchorName = spec.From ?? spec.To!;
        var anchor = log.NameId(anchorName);
        var anchors = new List<(int Customer, int Index)>();
        for (var c = 0; c < log.CustomerCount && anchor >= 0; c++)
        {
            var begin = log.Offsets[c];
            var at = Array.IndexOf(log.NameIds, anchor, begin, log.Offsets[c + 1] - begin);
            if (at >= 0)
            {
                anchors.Add((c, at));
            }
        }

        return Build(log, anchorName, spec.From is not null, spec.Depth, spec.MinShare, anchors);
    }

    /// <summary>
    /// The paths of the customers who dropped at funnel step <paramref name="step"/> (1-based: reached it, not the
    /// next), from the step's event of their converting chain (the first event of that name at the chain's time); for
    /// an unordered funnel, which has no chain, from their first event of the step's name.
    /// </summary>
    public static PathSankey Dropped(EventLog log, FunnelSpec spec, FunnelResult result, int step, int depth, decimal minShare)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(result);
        if (step < 1 || step >= spec.Steps.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"customers drop at steps 1 to {spec.Steps.Count - 1}");
        }

        if (!ReferenceEquals(result.Customers, log.Customers) && !result.Customers.SequenceEqual(log.Customers))
        {
            throw new ArgumentException("the funnel result was computed over another log", nameof(result));
        }

        var name = log.NameId(spec.Steps[step - 1].Event);
        var anchors = new List<(int Customer, int Index)>();
        var people = FunnelPeople.All(result, step, StepOutcome.Dropped);
        var index = new Dictionary<string, int>(log.CustomerCount, StringComparer.Ordinal);
        for (var c = 0; c < log.CustomerCount; c++)
        {
            index[log.Customers[c]] = c;
        }

        foreach (var person in people)
        {
            var c = index[person.Customer];
            var begin = log.Offsets[c];
            var end = log.Offsets[c + 1];
            var at = -1;
            if (person.ReachedAt is { } reached)
            {
                var micros = EventLogBuilder.ToMicros(reached);
                for (var i = begin; i < end && at < 0; i++)
                {
                    at = log.NameIds[i] == name && log.Timestamps[i] == micros ? i : -1;
                }
            }

            at = at >= 0 ? at : Array.IndexOf(log.NameIds, name, begin, end - begin);
            if (at >= 0)
            {
                anchors.Add((c, at));
            }
        }

        return Build(log, spec.Steps[step - 1].Name, after: true, depth, minShare, anchors);
    }

    private static PathSankey Build(EventLog log, string anchorName, bool after, int depth, decimal minShare, List<(int Customer, int Index)> anchors)
    {
        if (depth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "a Sankey needs a depth of at least 1");
        }

        if (minShare is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minShare), minShare, "the minimum share is a fraction from 0 to 1");
        }

        // paths[k][d] is the name id at distance d + 1 from the anchor (after it, or before it going back in time).
        var paths = new List<int[]>(anchors.Count);
        var counts = new Dictionary<(int Distance, int Name), long>();
        foreach (var (c, at) in anchors)
        {
            var (begin, end) = (log.Offsets[c], log.Offsets[c + 1]);
            var length = after ? Math.Min(depth, end - at - 1) : Math.Min(depth, at - begin);
            var path = new int[length];
            for (var d = 0; d < length; d++)
            {
                path[d] = log.NameIds[after ? at + 1 + d : at - 1 - d];
                counts[(d + 1, path[d])] = counts.GetValueOrDefault((d + 1, path[d])) + 1;
            }

            paths.Add(path);
        }

        // A node is kept when customers >= share * total; the rest of its step is "other" (name id -1).
        var total = (long)anchors.Count;
        var threshold = minShare * total;
        var kept = counts.Where(kv => kv.Value >= threshold).Select(kv => kv.Key).ToHashSet();
        int Key(int distance, int name) => kept.Contains((distance, name)) ? name : -1;

        var nodeCounts = new Dictionary<(int Distance, int Name), long>();
        var linkCounts = new Dictionary<((int, int) From, (int, int) To), long>();
        foreach (var path in paths)
        {
            var previous = (0, -2); // the anchor
            for (var d = 0; d < path.Length; d++)
            {
                var node = (d + 1, Key(d + 1, path[d]));
                nodeCounts[node] = nodeCounts.GetValueOrDefault(node) + 1;
                // Links run in time order: after the anchor outwards, before it inwards.
                var link = after ? (previous, node) : (node, previous);
                linkCounts[link] = linkCounts.GetValueOrDefault(link) + 1;
                previous = node;
            }
        }

        var sign = after ? 1 : -1;
        var ordered = nodeCounts
            .Select(kv => (Step: sign * kv.Key.Distance, kv.Key.Name, Customers: kv.Value, Key: kv.Key))
            .Append((Step: 0, Name: -2, Customers: total, Key: (0, -2)))
            .OrderBy(n => n.Step)
            .ThenBy(n => n.Name == -1 ? 1 : 0)
            .ThenByDescending(n => n.Customers)
            .ThenBy(n => n.Name < 0 ? "" : log.Names[n.Name], StringComparer.Ordinal)
            .ToList();
        var ids = new Dictionary<(int, int), int>();
        var nodes = new List<SankeyNode>(ordered.Count);
        foreach (var n in ordered)
        {
            ids[n.Key] = nodes.Count;
            var label = n.Name switch { -2 => anchorName, -1 => OtherLabel, _ => log.Names[n.Name] };
            nodes.Add(new SankeyNode(nodes.Count, n.Step, label, n.Name == -1, n.Customers));
        }

        var links = linkCounts
            .Select(kv => new SankeyLink(ids[kv.Key.From], ids[kv.Key.To], kv.Value))
            .OrderBy(l => l.Source).ThenBy(l => l.Target)
            .ToList();
        return new PathSankey(anchorName, after ? "from" : "to", depth, minShare, total, nodes, links);
    }
}
