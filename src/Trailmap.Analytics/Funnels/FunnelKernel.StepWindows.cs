namespace Trailmap.Analytics.Funnels;

/// <summary>
/// The scan for funnels whose steps carry their own windows (<see cref="FunnelStep.Within"/>): step k must come at
/// most its window after the chain's step k-1, as well as within the funnel's window of step 1.
/// </summary>
/// <remarks>
/// The main kernel keeps one chain per level, the latest started, because with one window that chain dominates. With
/// step windows it does not: an older chain that reached its level later has more of the next step's window left. So
/// each allowed step-1 timestamp is followed as its own chain start, with, per step, the latest time the chain could
/// have taken that step: step k at time t is possible when the latest possible step k-1 is no more than the step's
/// window before t. Cost per customer: the number of chain starts times the events inside the funnel's window.
/// Modes: the default (a group of equal timestamps can take several consecutive steps) and strict-increase (one
/// step per timestamp); the funnel spec refuses the others.
/// </remarks>
internal sealed partial class FunnelKernel
{
    private readonly long[]? stepWindows;
    private readonly List<(int Group, int Event)> chainStarts = [];
    private long[] latestAt = [];
    private List<long>[] stepTimes = [];

    /// <summary>The kernel for <paramref name="spec"/>: with step windows when any step has one.</summary>
    public static FunnelKernel For(FunnelSpec spec)
    {
        var window = spec.Window.Span.Ticks / 10;
        long[]? stepWindows = null;
        if (spec.HasStepWindows)
        {
            stepWindows = [.. spec.Steps.Select(s => s.Within is { } w ? w.Span.Ticks / 10 : long.MaxValue)];
        }

        return new FunnelKernel(spec.Steps.Count, window, spec.Modes, spec.Reentry, stepWindows);
    }

    private int RunStepped(ReadOnlySpan<uint> masks, ReadOnlySpan<long> ts, int offset, Span<long> chainTimes, out int startEvent)
    {
        startEvent = -1;
        Array.Fill(reached, long.MaxValue);
        if (latestAt.Length != steps)
        {
            latestAt = new long[steps];
            stepTimes = [.. Enumerable.Range(0, steps).Select(_ => new List<long>())];
        }

        // Pass 1: the allowed chain starts, and the exclusions, with the same rules as the main kernel: an exclusion
        // strictly after an allowed start and inside its window removes the customer.
        chainStarts.Clear();
        var lastStart = None;
        var n = masks.Length;
        var i = 0;
        while (i < n)
        {
            var t = ts[i];
            var j = i + 1;
            while (j < n && ts[j] == t)
            {
                j++;
            }

            var exclusion = false;
            var startAt = -1;
            for (var e = i; e < j; e++)
            {
                var m = masks[e];
                if ((m & OutOfRangeBit) != 0)
                {
                    continue;
                }

                exclusion |= (m & ExclusionBit) != 0;
                if (startAt < 0 && (m & 1) != 0)
                {
                    startAt = e;
                }
            }

            if (exclusion && lastStart != None && t <= lastStart + window)
            {
                return 0;
            }

            if (startAt >= 0 && (!first || lastStart == None || t > lastStart + window))
            {
                chainStarts.Add((i, startAt));
                lastStart = t;
            }

            i = j;
        }

        // Pass 2: each start on its own; the converting chain is the latest-started one at the highest level.
        var level = 0;
        var best = -1;
        for (var s = 0; s < chainStarts.Count; s++)
        {
            var l = FollowChain(masks, ts, chainStarts[s].Group, record: false);
            if (l > 0 && l >= level)
            {
                level = l;
                best = s;
            }
        }

        if (best < 0)
        {
            return 0;
        }

        startEvent = chainStarts[best].Event + offset;
        FollowChain(masks, ts, chainStarts[best].Group, record: true);

        // The last step at the first time the chain took it; each earlier step at the latest time that still leads
        // to the next one, so every gap is inside its step's window.
        var strictIncrease = (modes & FunnelModes.StrictIncrease) != 0;
        chainTimes[level - 1] = stepTimes[level - 1][0];
        for (var k = level - 2; k >= 0; k--)
        {
            var next = chainTimes[k + 1];
            var times = stepTimes[k];
            var at = times.Count - 1;
            while (times[at] > next || (strictIncrease && times[at] == next))
            {
                at--;
            }

            chainTimes[k] = times[at];
        }

        return level;
    }

    /// <summary>
    /// Follows the chain that starts at the group beginning at <paramref name="startGroup"/>; returns its level and
    /// lowers <see cref="reached"/> to the times it first took each level. With <paramref name="record"/>, keeps every
    /// time each step was possible in <see cref="stepTimes"/>.
    /// </summary>
    private int FollowChain(ReadOnlySpan<uint> masks, ReadOnlySpan<long> ts, int startGroup, bool record)
    {
        Array.Fill(latestAt, None);
        if (record)
        {
            foreach (var list in stepTimes)
            {
                list.Clear();
            }
        }

        var strictIncrease = (modes & FunnelModes.StrictIncrease) != 0;
        var stepBits = StepBits;
        var s = ts[startGroup];
        var level = 0;
        var n = masks.Length;
        var i = startGroup;
        while (i < n && ts[i] <= s + window)
        {
            var t = ts[i];
            var j = i;
            uint union = 0;
            while (j < n && ts[j] == t)
            {
                if ((masks[j] & OutOfRangeBit) == 0)
                {
                    union |= masks[j] & stepBits;
                }

                j++;
            }

            if (i == startGroup)
            {
                latestAt[0] = t;
                level = 1;
                Took(0, t, record);
            }

            // Strict-increase walks the steps downwards so that a step taken in this group cannot feed the next one
            // in the same group; the default walks upwards, so one group can take consecutive steps.
            for (var x = 1; x < steps; x++)
            {
                var k = strictIncrease ? steps - x : x;
                if ((union & (1u << k)) == 0)
                {
                    continue;
                }

                var previous = latestAt[k - 1];
                if (previous == None || (strictIncrease && previous == t) || t - previous > stepWindows![k])
                {
                    continue;
                }

                latestAt[k] = t;
                level = Math.Max(level, k + 1);
                Took(k, t, record);
            }

            i = j;
        }

        return level;
    }

    private void Took(int step, long t, bool record)
    {
        if (t < reached[step])
        {
            reached[step] = t;
        }

        if (record)
        {
            stepTimes[step].Add(t);
        }
    }
}
