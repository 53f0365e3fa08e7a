namespace Trailmap.Analytics.Funnels;

/// <summary>
/// The per-customer funnel scan. Works only on precomputed step masks and timestamps, so it allocates nothing per
/// customer; one instance per parallel partition holds the scratch state.
/// </summary>
/// <remarks>
/// Events are read in groups of equal timestamp. Within a group the (event, step) pairs are ordered by step, then
/// arrival, and an event matching no step sorts before them (ClickHouse stores it as step 0). For each level the
/// kernel keeps only the chain with the latest start: it has the most window left, so it dominates every older chain
/// at the same level. Within a group a chain advances over as many consecutive steps as the group's events can
/// satisfy (with strict-once: as distinct events, found by bipartite matching; with strict-increase: one step).
/// </remarks>
internal sealed partial class FunnelKernel
{
    public const uint ExclusionBit = 1u << 30;
    public const uint OutOfRangeBit = 1u << 31;
    private const long None = long.MinValue;

    private readonly int steps;
    private readonly long window;
    private readonly FunnelModes modes;
    private readonly bool first;
    private readonly long[] best;
    private readonly int[] bestStartEvent;
    private readonly long[] stepTs;
    private readonly long[] reached;
    private uint[] group = new uint[8];
    private uint[] trial = new uint[8];
    private int[] matchOfEvent = new int[8];
    private bool[] visited = new bool[8];
    private int maxLevel;
    private uint present;
    private bool firstSeen;
    private long lastAllowedStart;

    public FunnelKernel(int steps, long windowMicros, FunnelModes modes, FunnelReentry reentry, long[]? stepWindows = null)
    {
        this.stepWindows = stepWindows;
        this.steps = steps;
        window = windowMicros;
        this.modes = modes;
        first = reentry == FunnelReentry.First;
        best = new long[steps + 1];
        bestStartEvent = new int[steps + 1];
        stepTs = new long[(steps + 1) * steps];
        reached = new long[steps];
    }

    /// <summary>
    /// After an ordered <see cref="Run"/>: when the customer's level first reached each step (long.MaxValue when never).
    /// The level only grows as events arrive, so this is also the level as of any earlier moment.
    /// </summary>
    public ReadOnlySpan<long> FirstReached => reached;

    public uint StepBits => steps == 32 ? uint.MaxValue : (1u << steps) - 1;

    /// <summary>Scans one customer's events; returns the level and fills the converting chain's step times.</summary>
    public int Run(ReadOnlySpan<uint> masks, ReadOnlySpan<long> ts, int offset, Span<long> chainTimes, out int startEvent)
    {
        startEvent = -1;
        if (stepWindows is not null)
        {
            return RunStepped(masks, ts, offset, chainTimes, out startEvent);
        }

        return (modes & FunnelModes.Unordered) != 0
            ? RunUnordered(masks, ts, offset, out startEvent)
            : RunOrdered(masks, ts, offset, chainTimes, out startEvent);
    }

    private int RunOrdered(ReadOnlySpan<uint> masks, ReadOnlySpan<long> ts, int offset, Span<long> chainTimes, out int startEvent)
    {
        Array.Fill(best, None);
        Array.Fill(reached, long.MaxValue);
        present = 0;
        maxLevel = 0;
        firstSeen = false;
        lastAllowedStart = None;
        var stopped = false;
        var stepBits = StepBits;
        var simple = (modes & (FunnelModes.StrictOrder | FunnelModes.StrictDedup)) == 0;
        var relevant = stepBits | ExclusionBit;
        var n = masks.Length;
        var i = 0;
        while (i < n)
        {
            var m0 = masks[i];
            if ((m0 & OutOfRangeBit) != 0)
            {
                i++;
                continue;
            }

            // Outside strict-order an event that matches no step and no exclusion cannot change anything.
            if (simple && (m0 & relevant) == 0)
            {
                i++;
                continue;
            }

            var t = ts[i];
            var j = i + 1;
            while (j < n && ts[j] == t)
            {
                j++;
            }

            var count = j - i;
            if (count == 1 && simple)
            {
                if ((m0 & ExclusionBit) != 0 && lastAllowedStart != None && t <= lastAllowedStart + window)
                {
                    startEvent = -1;
                    Array.Fill(reached, long.MaxValue);
                    return 0;
                }

                group[0] = m0 & stepBits;
                if (group[0] != 0)
                {
                    Apply(group, 1, t, i + offset, commit: true);
                }

                i = j;
                continue;
            }
            var anyExclusion = false;
            for (var e = i; e < j; e++)
            {
                anyExclusion |= (masks[e] & ExclusionBit) != 0;
            }

            // An exclusion counts inside a chain's window, strictly after its start: the latest allowed start before
            // this group is the one whose window reaches furthest.
            if (anyExclusion && lastAllowedStart != None && t <= lastAllowedStart + window)
            {
                startEvent = -1;
                Array.Fill(reached, long.MaxValue);
                return 0;
            }

            if (!stopped)
            {
                EnsureCapacity(count);
                for (var e = 0; e < count; e++)
                {
                    group[e] = masks[i + e] & stepBits;
                }

                stopped = ProcessGroup(count, t, i + offset);
            }

            i = j;
        }

        startEvent = maxLevel > 0 ? bestStartEvent[maxLevel] : -1;
        for (var k = 0; k < maxLevel; k++)
        {
            chainTimes[k] = stepTs[(maxLevel * steps) + k];
        }

        return maxLevel;
    }

    /// <summary>Processes one timestamp group; returns true when the scan ends here.</summary>
    private bool ProcessGroup(int count, long t, int firstEventIndex)
    {
        uint union = 0;
        var unmatched = false;
        for (var e = 0; e < count; e++)
        {
            union |= group[e];
            unmatched |= group[e] == 0;
        }

        var strictOrder = (modes & FunnelModes.StrictOrder) != 0;
        if (strictOrder && unmatched && firstSeen)
        {
            return true;
        }

        if (union == 0)
        {
            return false;
        }

        var breaksOrder = strictOrder && (modes & FunnelModes.AllowReentry) == 0;
        var dedup = (modes & FunnelModes.StrictDedup) != 0;
        if (breaksOrder || dedup)
        {
            var seenStart = firstSeen || (union & 1) != 0;
            for (var k = 1; k < steps; k++)
            {
                if ((union & (1u << k)) == 0)
                {
                    continue;
                }

                var below = (1u << k) - 1;
                if (breaksOrder && seenStart && maxLevel < k && Apply(Restrict(count, below), count, t, firstEventIndex, commit: false) < k)
                {
                    Apply(Restrict(count, below), count, t, firstEventIndex, commit: true);
                    return true;
                }

                if (dedup)
                {
                    if (maxLevel >= k + 1)
                    {
                        Apply(Restrict(count, below), count, t, firstEventIndex, commit: true);
                        return true;
                    }

                    // A second step-k event in this group is a repeat once an earlier one has taken step k.
                    var seen = 0;
                    var keep = -1;
                    for (var e = 0; e < count && keep < 0; e++)
                    {
                        if ((group[e] & (1u << k)) == 0)
                        {
                            continue;
                        }

                        if (seen > 0 && Apply(RestrictUpTo(count, below, k, e), count, t, firstEventIndex, commit: false) >= k + 1)
                        {
                            keep = e;
                        }

                        seen++;
                    }

                    if (keep >= 0)
                    {
                        Apply(RestrictUpTo(count, below, k, keep), count, t, firstEventIndex, commit: true);
                        return true;
                    }
                }
            }
        }

        Apply(group, count, t, firstEventIndex, commit: true);
        return false;
    }

    private uint[] Restrict(int count, uint keep)
    {
        for (var e = 0; e < count; e++)
        {
            trial[e] = group[e] & keep;
        }

        return trial;
    }

    /// <summary>The group with steps below k, plus step k only for events before <paramref name="beforeEvent"/>.</summary>
    private uint[] RestrictUpTo(int count, uint below, int k, int beforeEvent)
    {
        for (var e = 0; e < count; e++)
        {
            trial[e] = group[e] & (e < beforeEvent ? below | (1u << k) : below);
        }

        return trial;
    }

    /// <summary>Advances every kept chain over one group; returns the resulting highest level.</summary>
    private int Apply(uint[] g, int count, long t, int firstEventIndex, bool commit)
    {
        uint union = 0;
        for (var e = 0; e < count; e++)
        {
            union |= g[e];
        }

        var newMax = maxLevel;

        // Highest level first: a chain writes only to levels above its own, which are already read.
        var candidates = union & present & ~1u;
        while (candidates != 0)
        {
            var k = 31 - (int)uint.LeadingZeroCount(candidates);
            candidates &= ~(1u << k);
            var s = best[k];
            if (t > s + window)
            {
                continue;
            }

            var m = Extend(g, count, union, k);
            if (m == 0)
            {
                continue;
            }

            newMax = Math.Max(newMax, k + m);
            if (commit)
            {
                for (var level = k + 1; level <= k + m; level++)
                {
                    if (s > best[level])
                    {
                        best[level] = s;
                        present |= 1u << level;
                        bestStartEvent[level] = bestStartEvent[k];
                        var to = level * steps;
                        var from = k * steps;
                        for (var x = 0; x < k; x++)
                        {
                            stepTs[to + x] = stepTs[from + x];
                        }

                        for (var x = k; x < level; x++)
                        {
                            stepTs[to + x] = t;
                        }
                    }
                }
            }
        }

        if ((union & 1) != 0)
        {
            var allowed = !first || lastAllowedStart == None || t > lastAllowedStart + window;
            if (allowed)
            {
                var m = Extend(g, count, union, 0);
                newMax = Math.Max(newMax, m);
                if (commit)
                {
                    var startEvent = firstEventIndex;
                    for (var e = 0; e < count; e++)
                    {
                        if ((g[e] & 1) != 0)
                        {
                            startEvent = firstEventIndex + e;
                            break;
                        }
                    }

                    for (var level = 1; level <= m; level++)
                    {
                        if (t > best[level])
                        {
                            best[level] = t;
                            present |= 1u << level;
                            bestStartEvent[level] = startEvent;
                            for (var x = level * steps; x < (level * steps) + level; x++)
                            {
                                stepTs[x] = t;
                            }
                        }
                    }

                    lastAllowedStart = t;
                }
            }

            if (commit)
            {
                firstSeen = true;
            }
        }

        if (commit)
        {
            for (var level = maxLevel + 1; level <= newMax; level++)
            {
                reached[level - 1] = t;
            }

            maxLevel = newMax;
        }

        return newMax;
    }

    /// <summary>How many consecutive steps from <paramref name="from"/> one chain can take within this group.</summary>
    private int Extend(uint[] g, int count, uint union, int from)
    {
        if ((modes & FunnelModes.StrictIncrease) != 0)
        {
            // A chain that enters the group takes one step; a chain started here cannot move until a later timestamp.
            return from == 0 ? 1 : (int)((union >> from) & 1);
        }

        if ((modes & FunnelModes.StrictOnce) == 0 || count == 1)
        {
            if ((modes & FunnelModes.StrictOnce) != 0)
            {
                return (int)((union >> from) & 1);
            }

            var run = (int)uint.TrailingZeroCount(~(union >> from));
            return Math.Min(run, steps - from);
        }

        Array.Fill(matchOfEvent, -1, 0, count);
        var taken = 0;
        for (var s = from; s < steps; s++)
        {
            Array.Fill(visited, false, 0, count);
            if (!Augment(g, count, s))
            {
                break;
            }

            taken++;
        }

        return taken;
    }

    private bool Augment(uint[] g, int count, int step)
    {
        for (var e = 0; e < count; e++)
        {
            if ((g[e] & (1u << step)) == 0 || visited[e])
            {
                continue;
            }

            visited[e] = true;
            if (matchOfEvent[e] < 0 || Augment(g, count, matchOfEvent[e]))
            {
                matchOfEvent[e] = step;
                return true;
            }
        }

        return false;
    }

    private void EnsureCapacity(int count)
    {
        if (group.Length < count)
        {
            var size = Math.Max(count, group.Length * 2);
            group = new uint[size];
            trial = new uint[size];
            matchOfEvent = new int[size];
            visited = new bool[size];
        }
    }

    /// <summary>
    /// Unordered: for each step event at time s, the distinct steps seen in [s, s + window]; the level is the most.
    /// </summary>
    private int RunUnordered(ReadOnlySpan<uint> masks, ReadOnlySpan<long> ts, int offset, out int startEvent)
    {
        startEvent = -1;
        var stepBits = StepBits;
        Span<int> counts = stackalloc int[32];
        counts.Clear();
        var distinct = 0;
        var level = 0;
        var right = 0;
        var left = 0;
        var lastStart = None;
        var previousStart = None;
        var n = masks.Length;
        for (var i = 0; i < n; i++)
        {
            var m = masks[i];
            if ((m & OutOfRangeBit) != 0)
            {
                continue;
            }

            var t = ts[i];
            var startBefore = lastStart < t ? lastStart : previousStart;
            if ((m & ExclusionBit) != 0 && startBefore != None && t <= startBefore + window)
            {
                startEvent = -1;
                return 0;
            }

            if ((m & stepBits) == 0 || (i > 0 && ts[i - 1] == t && lastStart == t))
            {
                continue;
            }

            // Window [t, t + window]: drop events before t, add events up to t + window.
            while (left < n && ts[left] < t)
            {
                if (left < right)
                {
                    distinct -= Remove(counts, masks[left], stepBits);
                }

                left++;
            }

            right = Math.Max(right, left);
            while (right < n && ts[right] <= t + window)
            {
                if ((masks[right] & OutOfRangeBit) == 0)
                {
                    distinct += AddMask(counts, masks[right], stepBits);
                }

                right++;
            }

            if (distinct > level)
            {
                level = distinct;
                startEvent = offset + i;
            }

            previousStart = lastStart;
            lastStart = t;
        }

        return level;
    }

    private static int AddMask(Span<int> counts, uint mask, uint stepBits)
    {
        var added = 0;
        var bits = mask & stepBits;
        while (bits != 0)
        {
            var b = BitOperationsTrailing(bits);
            bits &= bits - 1;
            if (counts[b]++ == 0)
            {
                added++;
            }
        }

        return added;
    }

    private static int Remove(Span<int> counts, uint mask, uint stepBits)
    {
        if ((mask & OutOfRangeBit) != 0)
        {
            return 0;
        }

        var removed = 0;
        var bits = mask & stepBits;
        while (bits != 0)
        {
            var b = BitOperationsTrailing(bits);
            bits &= bits - 1;
            if (--counts[b] == 0)
            {
                removed++;
            }
        }

        return removed;
    }

    private static int BitOperationsTrailing(uint bits) => (int)uint.TrailingZeroCount(bits);
}
