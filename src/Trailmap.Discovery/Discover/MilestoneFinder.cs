namespace Trailmap.Discovery.Discover;

/// <summary>
/// Finds the stages: the longest chain of events that customers reach in a consistent order. Event b follows event a
/// when, of the customers who reached both, at least <see cref="DiscoveryOptions.Consistency"/> first did a before
/// they first did b (a tie in time counts half each way). Everyday events (logins, page views) that happen before and
/// after a milestone break such chains, so the longest chain runs through the milestones; among equally long chains
/// the one reached by more customers wins.
/// </summary>
internal static class MilestoneFinder
{
    /// <summary>The order evidence between two events: customers who reached both, and the share who reached a first.</summary>
    public readonly record struct Order(long Both, double Share);

    public static Order[,] Orders(FirstTimes times)
    {
        var k = times.Count;
        var before = new double[k, k];
        var both = new long[k, k];
        var log = times.Log;
        var present = new List<int>(k);
        for (var c = 0; c < log.CustomerCount; c++)
        {
            present.Clear();
            for (var j = 0; j < k; j++)
            {
                if (times.First(c, j) >= 0)
                {
                    present.Add(j);
                }
            }

            for (var x = 0; x < present.Count; x++)
            {
                var a = present[x];
                var ta = log.Timestamps[times.First(c, a)];
                for (var y = x + 1; y < present.Count; y++)
                {
                    var b = present[y];
                    var tb = log.Timestamps[times.First(c, b)];
                    both[a, b]++;
                    both[b, a]++;
                    if (ta < tb)
                    {
                        before[a, b]++;
                    }
                    else if (tb < ta)
                    {
                        before[b, a]++;
                    }
                    else
                    {
                        before[a, b] += 0.5;
                        before[b, a] += 0.5;
                    }
                }
            }
        }

        var orders = new Order[k, k];
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                orders[a, b] = new Order(both[a, b], both[a, b] == 0 ? 0 : before[a, b] / both[a, b]);
            }
        }

        return orders;
    }

    /// <summary>The chain of candidate indexes, first stage first.</summary>
    public static IReadOnlyList<int> Chain(FirstTimes times, Order[,] orders, DiscoveryOptions options)
    {
        var k = times.Count;
        if (k == 0)
        {
            return [];
        }

        bool Follows(int a, int b) => orders[a, b].Both >= options.MinCustomers && orders[a, b].Share >= options.Consistency;

        // A topological order: events that come first for most of the events they share customers with go first.
        // Edges only run forward in it, so the chain search below cannot loop.
        var rank = Enumerable.Range(0, k)
            .OrderByDescending(a => Enumerable.Range(0, k).Count(b => b != a && orders[a, b].Both > 0 && orders[a, b].Share > 0.5))
            .ThenByDescending(a => times.Reach[a])
            .ThenBy(a => times.Candidates[a], StringComparer.Ordinal)
            .ToArray();

        var max = options.MaxStages;
        var reachSum = new long[k, max + 1];
        var previous = new int[k, max + 1];
        for (var p = 0; p < k; p++)
        {
            for (var l = 0; l <= max; l++)
            {
                reachSum[p, l] = -1;
                previous[p, l] = -1;
            }

            reachSum[p, 1] = times.Reach[rank[p]];
        }

        for (var q = 0; q < k; q++)
        {
            for (var p = 0; p < q; p++)
            {
                if (!Follows(rank[p], rank[q]))
                {
                    continue;
                }

                for (var l = 2; l <= max; l++)
                {
                    if (reachSum[p, l - 1] >= 0 && reachSum[p, l - 1] + times.Reach[rank[q]] > reachSum[q, l])
                    {
                        reachSum[q, l] = reachSum[p, l - 1] + times.Reach[rank[q]];
                        previous[q, l] = p;
                    }
                }
            }
        }

        for (var l = max; l >= 1; l--)
        {
            var best = -1;
            for (var p = 0; p < k; p++)
            {
                if (reachSum[p, l] >= 0 && (best < 0 || reachSum[p, l] > reachSum[best, l]))
                {
                    best = p;
                }
            }

            if (best < 0)
            {
                continue;
            }

            var chain = new List<int>(l);
            for (var (p, len) = (best, l); p >= 0; p = previous[p, len], len--)
            {
                chain.Add(rank[p]);
            }

            chain.Reverse();
            return chain;
        }

        return [];
    }
}
