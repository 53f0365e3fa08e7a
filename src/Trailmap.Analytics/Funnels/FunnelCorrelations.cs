using System.Globalization;
using Trailmap.Analytics.Statistics;
using Trailmap.Events;

namespace Trailmap.Analytics.Funnels;

/// <summary>
/// One event, or one value of a customer trait, against conversion: of the funnel's entrants, how many converted
/// (reached the last step) with and without it, and how many dropped with and without it; the odds ratio of
/// converting with it, its 95% confidence interval, and the test (<see cref="FunnelCorrelations.Test"/>).
/// </summary>
public sealed record FunnelCorrelation(
    string Kind,
    string Name,
    string? Value,
    long ConvertedWith,
    long ConvertedWithout,
    long DroppedWith,
    long DroppedWithout,
    double OddsRatio,
    double CiLow,
    double CiHigh,
    double Z,
    double PValue,
    double AdjustedPValue,
    bool Significant)
{
    /// <summary>"conversion" when the odds ratio is above 1 (goes with converting), else "drop-off".</summary>
    public string Direction => OddsRatio > 1 ? "conversion" : "drop-off";
}

/// <summary>
/// Correlation analysis of a funnel's drop-off, as PostHog's: which events (and which values of named customer traits)
/// go with converting and which with dropping off. The population is the funnel's entrants (customers who reached
/// step 1); converted means reaching the last step. An entrant did an event when it happened in their converting
/// chain's span: from its step-1 time to its last-step time for converters, to step 1 + the funnel's window for the
/// others (both inclusive), as PostHog reads events "during the funnel". The funnel's own step events are left out.
/// </summary>
public static class FunnelCorrelations
{
    public const double Alpha = 0.05;

    /// <summary>The test's name as outputs state it.</summary>
    public const string Test = "Wald test of the log odds ratio (two-sided; 0.5 added to every cell when one is 0), Holm-adjusted over every event and trait value";

    /// <summary>How many values of one trait are tested; the most common are kept.</summary>
    public const int MaxValuesPerTrait = 1000;

    public const string EventKind = "event";
    public const string TraitKind = "trait";

    /// <summary>
    /// Every event and trait value some entrant has, most significant first (adjusted p, then the larger |log odds
    /// ratio|, then kind, name and value). Empty when there is no converter or no drop-off to compare.
    /// </summary>
    /// <param name="log">The customers' events (all of them, not only the steps') and, for <paramref name="traits"/>, their traits.</param>
    /// <param name="spec">The funnel: its steps (left out of the events tested), window and time range.</param>
    /// <param name="result">The funnel of <paramref name="spec"/> over <paramref name="log"/>: its levels and converting chains.</param>
    /// <param name="traits">Customer traits whose values are tested too.</param>
    public static IReadOnlyList<FunnelCorrelation> Of(EventLog log, FunnelSpec spec, FunnelResult result, IReadOnlyList<string> traits)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(traits);
        if (result.ChainTimes is not { } chain)
        {
            throw new ArgumentException("correlation needs an ordered funnel: an unordered one has no chain to read events along");
        }

        var n = spec.Steps.Count;
        var window = spec.Window.Span.Ticks / 10;
        var skip = new bool[log.Names.Length];
        foreach (var step in spec.Steps)
        {
            if (log.NameId(step.Event) is >= 0 and var id)
            {
                skip[id] = true;
            }
        }

        var from = spec.From is { } f ? EventLogBuilder.ToMicros(f) : long.MinValue;
        var to = spec.To is { } t ? EventLogBuilder.ToMicros(t) : long.MaxValue;
        var with = new long[log.Names.Length, 2];
        var seen = new int[log.Names.Length];
        Array.Fill(seen, -1);
        var valueCounts = traits.Select(_ => new Dictionary<string, long[]>(StringComparer.Ordinal)).ToArray();
        long converted = 0, dropped = 0;
        for (var c = 0; c < result.Levels.Count; c++)
        {
            var level = result.Levels[c];
            if (level == 0)
            {
                continue;
            }

            var won = level == n;
            var side = won ? 0 : 1;
            if (won)
            {
                converted++;
            }
            else
            {
                dropped++;
            }

            var start = chain[(long)c * n];
            var end = won ? chain[((long)c * n) + n - 1] : (start > long.MaxValue - window ? long.MaxValue : start + window);
            for (var i = log.Offsets[c]; i < log.Offsets[c + 1]; i++)
            {
                var ts = log.Timestamps[i];
                if (ts > end)
                {
                    break;
                }

                var name = log.NameIds[i];
                if (ts < start || ts < from || ts >= to || skip[name] || seen[name] == c)
                {
                    continue;
                }

                seen[name] = c;
                with[name, side]++;
            }

            for (var k = 0; k < traits.Count; k++)
            {
                if (log.Trait(c, traits[k]) is { } value && Convert.ToString(value, CultureInfo.InvariantCulture) is { } text)
                {
                    var counts = valueCounts[k].TryGetValue(text, out var existing) ? existing : valueCounts[k][text] = new long[2];
                    counts[side]++;
                }
            }
        }

        if (converted == 0 || dropped == 0)
        {
            return [];
        }

        var items = new List<(string Kind, string Name, string? Value, long A, long C)>();
        for (var name = 0; name < log.Names.Length; name++)
        {
            if (with[name, 0] + with[name, 1] > 0)
            {
                items.Add((EventKind, log.Names[name], null, with[name, 0], with[name, 1]));
            }
        }

        for (var k = 0; k < traits.Count; k++)
        {
            foreach (var (value, counts) in valueCounts[k]
                .OrderByDescending(v => v.Value[0] + v.Value[1]).ThenBy(v => v.Key, StringComparer.Ordinal).Take(MaxValuesPerTrait))
            {
                items.Add((TraitKind, traits[k], value, counts[0], counts[1]));
            }
        }

        var stats = items.Select(x => OddsRatio(x.A, converted - x.A, x.C, dropped - x.C)).ToList();
        var p = stats.Select(s => Normal.TwoSidedP(s.Z)).ToArray();
        var adjusted = Normal.Holm(p);
        return [.. items.Select((x, i) => new FunnelCorrelation(
                x.Kind, x.Name, x.Value, x.A, converted - x.A, x.C, dropped - x.C,
                stats[i].Ratio, stats[i].Low, stats[i].High, stats[i].Z, p[i], adjusted[i], adjusted[i] < Alpha))
            .OrderBy(r => r.AdjustedPValue)
            .ThenByDescending(r => Math.Abs(Math.Log(r.OddsRatio)))
            .ThenBy(r => r.Kind, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ThenBy(r => r.Value, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The odds ratio (a d) / (b c) of the 2x2 table [converted with, converted without; dropped with, dropped
    /// without], with 0.5 added to every cell when any is 0 (Haldane-Anscombe); the 95% interval
    /// exp(ln OR +- 1.959964 SE) and z = ln OR / SE, with SE = sqrt(1/a + 1/b + 1/c + 1/d) (Woolf).
    /// </summary>
    internal static (double Ratio, double Low, double High, double Z) OddsRatio(long a, long b, long c, long d)
    {
        double x = a, y = b, u = c, v = d;
        if (a == 0 || b == 0 || c == 0 || d == 0)
        {
            x += 0.5;
            y += 0.5;
            u += 0.5;
            v += 0.5;
        }

        var log = Math.Log(x) + Math.Log(v) - Math.Log(y) - Math.Log(u);
        var se = Math.Sqrt((1 / x) + (1 / y) + (1 / u) + (1 / v));
        const double z95 = 1.959963984540054;
        return (Math.Exp(log), Math.Exp(log - (z95 * se)), Math.Exp(log + (z95 * se)), log / se);
    }
}
