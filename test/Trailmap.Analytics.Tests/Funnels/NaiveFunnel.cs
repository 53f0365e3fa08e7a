using Trailmap.Analytics.Funnels;

namespace Trailmap.Analytics.Tests.Funnels;

/// <summary>One event of a test log, kept as plain values so the reference never touches the engine's columns.</summary>
public sealed record TestEvent(string Customer, string Name, long Ts, int? P = null);

/// <summary>
/// A deliberately naive funnel written from the definitions: expand events into (event, step) pairs, sort them,
/// find where the scan ends pair by pair, and try every chain by depth-first search from every allowed start.
/// Exponential, so only for small logs.
/// </summary>
public static class NaiveFunnel
{
    private sealed record Pair(long Ts, int Step, int Seq, int Event);

    public static Dictionary<string, int> Levels(IReadOnlyList<TestEvent> events, FunnelSpec spec)
    {
        var result = new Dictionary<string, int>();
        foreach (var customer in events.Select(e => e.Customer).Distinct())
        {
            var mine = events.Select((e, i) => (e, i)).Where(x => x.e.Customer == customer).ToList();
            result[customer] = Level(mine, spec, out _);
        }

        return result;
    }

    /// <summary>
    /// The converting chain's step times per customer: among the allowed starts whose chains reach the customer's level,
    /// the latest start instant; for each step, the earliest time any chain from that instant matched it.
    /// </summary>
    public static Dictionary<string, long[]> ChainTimes(IReadOnlyList<TestEvent> events, FunnelSpec spec)
    {
        var result = new Dictionary<string, long[]>();
        foreach (var customer in events.Select(e => e.Customer).Distinct())
        {
            var mine = events.Select((e, i) => (e, i)).Where(x => x.e.Customer == customer).ToList();
            var level = Level(mine, spec, out var scanned);
            var window = spec.Window.Span.Ticks / 10;
            if (level == 0)
            {
                result[customer] = [];
                continue;
            }

            var starts = AllowedStarts(scanned, spec, window).Where(st => Deepest(scanned, spec, window, [st]) >= level).ToList();
            var latest = starts.Max(st => scanned[st].Ts);
            var chains = new List<List<int>>();
            foreach (var st in starts.Where(st => scanned[st].Ts == latest))
            {
                AllChains(scanned, spec, window, [st], chains);
            }

            if (spec.Steps.Any(st => st.Within is not null))
            {
                // With step windows: of the chains at the level, the one whose last step is earliest, then whose
                // step before it is latest, and so on back to step 1 (docs/analytics-semantics.md, step windows).
                var full = chains.Where(c => c.Count == level).Select(c => c.Select(q => scanned[q].Ts).ToArray()).ToList();
                IOrderedEnumerable<long[]> ordered = full.OrderBy(c => c[level - 1]);
                for (var k = level - 2; k >= 0; k--)
                {
                    var step = k;
                    ordered = ordered.ThenByDescending(c => c[step]);
                }

                result[customer] = ordered.First();
                continue;
            }

            result[customer] = [.. Enumerable.Range(0, level).Select(k => chains.Where(c => c.Count > k).Min(c => scanned[c[k]].Ts))];
        }

        return result;
    }

    private static void AllChains(List<Pair> pairs, FunnelSpec spec, long window, List<int> chain, List<List<int>> into)
    {
        into.Add(chain);
        if (chain.Count == spec.Steps.Count)
        {
            return;
        }

        var start = pairs[chain[0]];
        var last = pairs[chain[^1]];
        for (var q = chain[^1] + 1; q < pairs.Count; q++)
        {
            var pair = pairs[q];
            if (pair.Step == chain.Count
                && pair.Ts <= start.Ts + window
                && WithinStepWindow(spec, pair, last)
                && (!spec.Modes.HasFlag(FunnelModes.StrictIncrease) || pair.Ts > last.Ts)
                && (!spec.Modes.HasFlag(FunnelModes.StrictOnce) || chain.All(c => pairs[c].Event != pair.Event)))
            {
                AllChains(pairs, spec, window, [.. chain, q], into);
            }
        }
    }

    /// <summary>A step with its own window: at most that long after the chain's previous step, inclusive.</summary>
    private static bool WithinStepWindow(FunnelSpec spec, Pair pair, Pair last) =>
        spec.Steps[pair.Step].Within is not { } within || pair.Ts - last.Ts <= within.Span.Ticks / 10;

    private static bool Satisfies(TestEvent e, FunnelStep step) =>
        e.Name == step.Event && (step.Where is null || step.Where.Matches(p => p == "p" ? e.P : null));

    private static int Level(List<(TestEvent e, int i)> events, FunnelSpec spec, out List<Pair> scanned)
    {
        scanned = [];
        var window = spec.Window.Span.Ticks / 10;
        var from = spec.From is { } f ? (f.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : long.MinValue;
        var to = spec.To is { } t ? (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : long.MaxValue;
        var inRange = events.Where(x => x.e.Ts >= from && x.e.Ts < to).ToList();

        if (spec.Modes.HasFlag(FunnelModes.Unordered))
        {
            return Unordered(inRange, spec, window);
        }

        var pairs = new List<Pair>();
        foreach (var (e, i) in inRange)
        {
            var matched = false;
            for (var k = 0; k < spec.Steps.Count; k++)
            {
                if (Satisfies(e, spec.Steps[k]))
                {
                    pairs.Add(new Pair(e.Ts, k, i, i));
                    matched = true;
                }
            }

            if (!matched)
            {
                pairs.Add(new Pair(e.Ts, -1, i, i));
            }
        }

        pairs = [.. pairs.OrderBy(p => p.Ts).ThenBy(p => p.Step).ThenBy(p => p.Seq)];

        var strictOrder = spec.Modes.HasFlag(FunnelModes.StrictOrder);
        var end = pairs.Count;
        var firstSeen = false;
        for (var p = 0; p < pairs.Count; p++)
        {
            var step = pairs[p].Step;
            var before = pairs.Take(p).ToList();
            if (strictOrder && step == -1 && firstSeen)
            {
                end = p;
                break;
            }

            if (strictOrder && !spec.Modes.HasFlag(FunnelModes.AllowReentry) && step > 0 && firstSeen && Best(before, spec, window) < step)
            {
                end = p;
                break;
            }

            if (spec.Modes.HasFlag(FunnelModes.StrictDedup) && step > 0 && Best(before, spec, window) >= step + 1)
            {
                end = p;
                break;
            }

            firstSeen |= step == 0;
        }

        List<Pair> prefix = [.. pairs.Take(end)];
        scanned = prefix;
        var starts = AllowedStarts(prefix, spec, window);
        foreach (var x in inRange)
        {
            if (spec.Exclusions.Any(ex => Satisfies(x.e, ex)) && starts.Any(s => prefix[s].Ts < x.e.Ts && x.e.Ts <= prefix[s].Ts + window))
            {
                return 0;
            }
        }

        return Best(scanned, spec, window);
    }

    private static List<int> AllowedStarts(List<Pair> pairs, FunnelSpec spec, long window)
    {
        var starts = new List<int>();
        long? lastAllowed = null;
        for (var p = 0; p < pairs.Count; p++)
        {
            if (pairs[p].Step != 0)
            {
                continue;
            }

            // Step-1 events at the same instant open the same window, so under `first` they are all allowed starts.
            if (spec.Reentry == FunnelReentry.Latest || lastAllowed is null || pairs[p].Ts == lastAllowed || pairs[p].Ts > lastAllowed + window)
            {
                starts.Add(p);
                lastAllowed = pairs[p].Ts;
            }
        }

        return starts;
    }

    private static int Best(List<Pair> pairs, FunnelSpec spec, long window)
    {
        var best = 0;
        foreach (var s in AllowedStarts(pairs, spec, window))
        {
            best = Math.Max(best, Deepest(pairs, spec, window, [s]));
        }

        return best;
    }

    /// <summary>The longest chain that extends <paramref name="chain"/> (pair positions), trying every next pair.</summary>
    private static int Deepest(List<Pair> pairs, FunnelSpec spec, long window, List<int> chain)
    {
        if (chain.Count == spec.Steps.Count)
        {
            return chain.Count;
        }

        var start = pairs[chain[0]];
        var last = pairs[chain[^1]];
        var best = chain.Count;
        for (var q = chain[^1] + 1; q < pairs.Count; q++)
        {
            var pair = pairs[q];
            var fits = pair.Step == chain.Count
                && pair.Ts <= start.Ts + window
                && WithinStepWindow(spec, pair, last)
                && (!spec.Modes.HasFlag(FunnelModes.StrictIncrease) || pair.Ts > last.Ts)
                && (!spec.Modes.HasFlag(FunnelModes.StrictOnce) || chain.All(c => pairs[c].Event != pair.Event));
            if (fits)
            {
                best = Math.Max(best, Deepest(pairs, spec, window, [.. chain, q]));
            }
        }

        return best;
    }

    private static int Unordered(List<(TestEvent e, int i)> events, FunnelSpec spec, long window)
    {
        var stepEvents = events.Where(x => spec.Steps.Any(s => Satisfies(x.e, s))).ToList();
        foreach (var x in events)
        {
            if (spec.Exclusions.Any(ex => Satisfies(x.e, ex)) && stepEvents.Any(s => s.e.Ts < x.e.Ts && x.e.Ts <= s.e.Ts + window))
            {
                return 0;
            }
        }

        var best = 0;
        foreach (var s in stepEvents)
        {
            var inWindow = events.Where(x => x.e.Ts >= s.e.Ts && x.e.Ts <= s.e.Ts + window).ToList();
            var distinct = Enumerable.Range(0, spec.Steps.Count).Count(k => inWindow.Any(x => Satisfies(x.e, spec.Steps[k])));
            best = Math.Max(best, distinct);
        }

        return best;
    }
}
