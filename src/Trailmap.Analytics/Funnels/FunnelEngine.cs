using System.Globalization;
using Trailmap.Events;

namespace Trailmap.Analytics.Funnels;

/// <summary>
/// Ordered funnels with ClickHouse <c>windowFunnel</c> semantics; see docs/analytics-semantics.md for every mode and tie rule.
/// </summary>
/// <remarks>
/// Choices where SEMANTICS.md leaves a detail open: an event matching no step sorts before the step pairs at its
/// timestamp (ClickHouse); an exclusion at <c>x</c> removes the customer when an allowed chain start <c>s</c> has
/// <c>s &lt; x &lt;= s + window</c>; the converting chain (for time to convert and breakdowns) is the latest-started
/// chain that reached the customer's level, each step at the earliest time that chain reached it; breakdowns read
/// the first step-1 event at that chain's start instant, then the customer's trait.
/// </remarks>
public static class FunnelEngine
{
    /// <summary>The breakdown value for customers whose chain start and traits lack the property.</summary>
    public const string NoValue = "(none)";

    public static FunnelResult Run(EventLog log, FunnelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var n = spec.Steps.Count;
        var customers = log.CustomerCount;
        var levels = new int[customers];
        var startEvents = new int[customers];
        var chainTimes = new long[(long)customers * n];
        Scan(log, spec, null, levels, chainTimes, startEvents, null);

        var steps = Summarize(spec, levels, chainTimes, null);
        Dictionary<string, IReadOnlyList<FunnelStepResult>>? breakdowns = null;
        if (spec.BreakdownProperty is { } property)
        {
            breakdowns = Enumerable.Range(0, customers)
                .Where(c => levels[c] > 0)
                .GroupBy(c => BreakdownValue(log, property, c, startEvents[c]), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<FunnelStepResult>)Summarize(spec, levels, chainTimes, [.. g]), StringComparer.Ordinal);
        }

        return new FunnelResult(steps, breakdowns, log.Customers, levels)
        {
            ChainTimes = spec.Modes.HasFlag(FunnelModes.Unordered) ? null : chainTimes,
        };
    }

    /// <summary>
    /// Runs the kernel for the customers in <paramref name="only"/> (every customer when null), writing each one's
    /// level, converting chain times (customer * steps + step), chain start event and, for ordered funnels when
    /// <paramref name="firstReached"/> is given, when the level first reached each step (long.MaxValue when never).
    /// Customers not listed keep what the arrays hold, which lets a measurement re-scan only the customers with new events.
    /// </summary>
    internal static void Scan(EventLog log, FunnelSpec spec, int[]? only, int[] levels, long[] chainTimes, int[] startEvents, long[]? firstReached)
    {
        spec.Validate();
        if (firstReached is not null && spec.Modes.HasFlag(FunnelModes.Unordered))
        {
            throw new ArgumentException("first-reached times need an ordered funnel");
        }

        var rules = MaskRules.For(log, spec);
        var n = spec.Steps.Count;
        var count = only?.Length ?? log.CustomerCount;

        // Customer ranges keep each partition's reads contiguous; each partition owns its kernel scratch.
        var partitions = Math.Max(1, Math.Min(count, Environment.ProcessorCount * 8));
        Parallel.For(0, partitions, p =>
        {
            var kernel = FunnelKernel.For(spec);
            var from = (int)((long)count * p / partitions);
            var to = (int)((long)count * (p + 1) / partitions);
            // Each customer's masks are computed into this partition's scratch just before the kernel reads them: a
            // mask column for the whole log was 4 bytes an event (33 MB at 10M events) of a funnel's peak memory.
            var scratch = new uint[64];
            for (var i = from; i < to; i++)
            {
                var c = only is null ? i : only[i];
                var begin = log.Offsets[c];
                var end = log.Offsets[c + 1];
                if (scratch.Length < end - begin)
                {
                    scratch = new uint[Math.Max(end - begin, scratch.Length * 2)];
                }

                var masks = scratch.AsSpan(0, end - begin);
                rules.Fill(begin, masks);
                levels[c] = kernel.Run(
                    masks,
                    log.Timestamps.AsSpan(begin, end - begin),
                    begin,
                    chainTimes.AsSpan((int)((long)c * n), n),
                    out startEvents[c]);
                if (firstReached is not null)
                {
                    kernel.FirstReached.CopyTo(firstReached.AsSpan((int)((long)c * n), n));
                }
            }
        });
    }

    /// <summary>The step numbers of a funnel whose per-customer levels and chain times are already known (no breakdown).</summary>
    internal static FunnelResult Summary(EventLog log, FunnelSpec spec, int[] levels, long[] chainTimes) =>
        new(Summarize(spec, levels, chainTimes, null), null, log.Customers, levels)
        {
            ChainTimes = spec.Modes.HasFlag(FunnelModes.Unordered) ? null : chainTimes,
        };

    /// <summary>One mask per event: bit k = the event satisfies step k; plus the exclusion and out-of-range bits.</summary>
    internal static uint[] StepMasks(EventLog log, FunnelSpec spec)
    {
        var rules = MaskRules.For(log, spec);
        var masks = new uint[log.EventCount];
        var parts = Math.Max(1, Environment.ProcessorCount * 4);
        Parallel.For(0, parts, p =>
        {
            var begin = (int)((long)masks.Length * p / parts);
            var end = (int)((long)masks.Length * (p + 1) / parts);
            rules.Fill(begin, masks.AsSpan(begin, end - begin));
        });
        return masks;
    }

    /// <summary>What makes an event's mask: the steps and exclusions its name satisfies, with or without a filter, and the time range.</summary>
    private sealed class MaskRules(
        EventLog log,
        uint[] plain,
        List<(int Step, FunnelStep Def)>?[] filtered,
        bool[] excludePlain,
        List<FunnelStep>?[] excludeFiltered,
        long from,
        long to)
    {
        public static MaskRules For(EventLog log, FunnelSpec spec)
        {
            var names = log.Names.Length;
            var plain = new uint[names];
            var filtered = new List<(int Step, FunnelStep Def)>[names];
            var excludePlain = new bool[names];
            var excludeFiltered = new List<FunnelStep>[names];
            for (var k = 0; k < spec.Steps.Count; k++)
            {
                var id = log.NameId(spec.Steps[k].Event);
                if (id < 0)
                {
                    continue;
                }

                if (spec.Steps[k].Where is null)
                {
                    plain[id] |= 1u << k;
                }
                else
                {
                    (filtered[id] ??= []).Add((k, spec.Steps[k]));
                }
            }

            foreach (var x in spec.Exclusions)
            {
                var id = log.NameId(x.Event);
                if (id < 0)
                {
                    continue;
                }

                if (x.Where is null)
                {
                    excludePlain[id] = true;
                }
                else
                {
                    (excludeFiltered[id] ??= []).Add(x);
                }
            }

            var from = spec.From is { } f ? EventLogBuilder.ToMicros(f) : long.MinValue;
            var to = spec.To is { } t ? EventLogBuilder.ToMicros(t) : long.MaxValue;
            return new MaskRules(log, plain, filtered, excludePlain, excludeFiltered, from, to);
        }

        /// <summary>The masks of events <paramref name="begin"/> .. begin + into.Length - 1 into <paramref name="into"/>.</summary>
        public void Fill(int begin, Span<uint> into)
        {
            for (var k = 0; k < into.Length; k++)
            {
                var i = begin + k;
                var ts = log.Timestamps[i];
                if (ts < from || ts >= to)
                {
                    into[k] = FunnelKernel.OutOfRangeBit;
                    continue;
                }

                var id = log.NameIds[i];
                var m = plain[id];
                if (filtered[id] is { } list)
                {
                    m |= FilteredBits(log, i, list);
                }

                if (excludePlain[id] || (excludeFiltered[id] is { } xs && AnyMatches(log, i, xs)))
                {
                    m |= FunnelKernel.ExclusionBit;
                }

                into[k] = m;
            }
        }
    }

    // Kept out of the mask loop so its closures do not capture the loop variable and slow every iteration.
    private static uint FilteredBits(EventLog log, int index, List<(int Step, FunnelStep Def)> list)
    {
        uint m = 0;
        foreach (var (step, def) in list)
        {
            if (def.Where!.Matches(prop => log.Property(index, prop)))
            {
                m |= 1u << step;
            }
        }

        return m;
    }

    private static bool AnyMatches(EventLog log, int index, List<FunnelStep> steps) =>
        steps.Any(x => x.Where!.Matches(prop => log.Property(index, prop)));

    private static string BreakdownValue(EventLog log, string property, int customer, int startEvent)
    {
        var value = (startEvent >= 0 ? log.Property(startEvent, property) : null) ?? log.Trait(customer, property);
        return value is null ? NoValue : Convert.ToString(value, CultureInfo.InvariantCulture) ?? NoValue;
    }

    /// <summary>Step numbers over <paramref name="subset"/> of customers, or all of them when it is null.</summary>
    private static List<FunnelStepResult> Summarize(FunnelSpec spec, int[] levels, long[] chainTimes, int[]? subset)
    {
        var n = spec.Steps.Count;
        var total = subset?.Length ?? levels.Length;
        var reached = new long[n + 1];
        for (var i = 0; i < total; i++)
        {
            var level = levels[subset is null ? i : subset[i]];
            for (var k = 0; k < level; k++)
            {
                reached[k]++;
            }
        }

        // Exact-size arrays sorted in place: the median and p90 need every value, so this is the summary's main cost.
        var unordered = spec.Modes.HasFlag(FunnelModes.Unordered);
        var seconds = new double[n][];
        var filled = new int[n];
        for (var k = 0; k < n; k++)
        {
            seconds[k] = new double[k == 0 || unordered ? 0 : reached[k]];
        }

        for (var i = 0; i < total && !unordered; i++)
        {
            var c = subset is null ? i : subset[i];
            var baseIndex = (long)c * n;
            for (var k = 1; k < levels[c]; k++)
            {
                seconds[k][filled[k]++] = (chainTimes[baseIndex + k] - chainTimes[baseIndex + k - 1]) / 1_000_000.0;
            }
        }

        var result = new List<FunnelStepResult>(n);
        for (var k = 0; k < n; k++)
        {
            var previous = k == 0 ? reached[0] : reached[k - 1];
            result.Add(new FunnelStepResult(
                spec.Steps[k].Name,
                reached[k],
                reached[0] == 0 ? 0 : (double)reached[k] / reached[0],
                previous == 0 ? 0 : (double)reached[k] / previous,
                previous - reached[k],
                k == 0 ? null : TimeToConvert.From(seconds[k])));
        }

        return result;
    }
}
