using Trailmap.Events;

namespace Trailmap.Analytics.Paths;

/// <summary>
/// Paths after (<see cref="From"/>) or before (<see cref="To"/>) each customer's first occurrence of an anchor event.
/// Set exactly one of them.
/// </summary>
public sealed record PathsSpec
{
    public string? From { get; init; }

    public string? To { get; init; }

    /// <summary>How many events after (or before) the anchor make a path.</summary>
    public int Depth { get; init; } = 3;

    /// <summary>How many of the most common paths to return.</summary>
    public int Top { get; init; } = 10;
}

/// <summary>A path in time order, without the anchor; empty when nothing followed (or preceded) it.</summary>
public sealed record PathCount(IReadOnlyList<string> Events, long Customers)
{
    public override string ToString() => $"{string.Join(" > ", Events)}: {Customers}";
}

public static class PathsEngine
{
    /// <summary>Counts one path per customer; ties in count are ordered by the path text so results are stable.</summary>
    public static IReadOnlyList<PathCount> Run(EventLog log, PathsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(spec);
        if ((spec.From is null) == (spec.To is null))
        {
            throw new ArgumentException("a paths query needs exactly one of From or To");
        }

        if (spec.Depth < 1 || spec.Top < 1)
        {
            throw new ArgumentException("paths need a depth and a top of at least 1");
        }

        var anchor = log.NameId(spec.From ?? spec.To!);
        var counts = new Dictionary<string, (string[] Events, long Count)>(StringComparer.Ordinal);
        for (var c = 0; c < log.CustomerCount && anchor >= 0; c++)
        {
            var begin = log.Offsets[c];
            var end = log.Offsets[c + 1];
            var at = Array.IndexOf(log.NameIds, anchor, begin, end - begin);
            if (at < 0)
            {
                continue;
            }

            var (lo, hi) = spec.From is not null ? (at + 1, Math.Min(end, at + 1 + spec.Depth)) : (Math.Max(begin, at - spec.Depth), at);
            var events = new string[hi - lo];
            for (var i = lo; i < hi; i++)
            {
                events[i - lo] = log.Names[log.NameIds[i]];
            }

            var key = string.Join('\u001f', events);
            counts[key] = counts.TryGetValue(key, out var existing) ? (existing.Events, existing.Count + 1) : (events, 1);
        }

        return [.. counts
            .OrderByDescending(kv => kv.Value.Count)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(spec.Top)
            .Select(kv => new PathCount(kv.Value.Events, kv.Value.Count))];
    }
}
