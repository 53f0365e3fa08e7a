using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Journeys;

/// <summary>Scores one customer's health at a moment: each component's value mapped to 0-100, then the weighted average.</summary>
public sealed class HealthScorer
{
    private readonly HealthModel _model;
    private readonly Trailmap.Events.EventLog _log;
    private readonly EventMatcher?[] _matchers;
    private readonly int[][] _adoptionNames;

    public HealthScorer(HealthModel model, Trailmap.Events.EventLog log)
    {
        _model = model;
        _log = log;
        _matchers = [.. model.Components.Select(c => c.Event is null ? null : new EventMatcher(log, c.Event))];
        _adoptionNames = [.. model.Components.Select(c => c.Events.Select(log.NameId).ToArray())];
    }

    /// <summary>The customer's score as of <paramref name="now"/> (microseconds), or null when no component applies.</summary>
    public (double Score, string Weakest)? Score(int customer, long now, double[]? sums, long[]? counts)
    {
        double weighted = 0;
        double weights = 0;
        var weakest = "";
        var weakestScore = double.MaxValue;
        for (var k = 0; k < _model.Components.Count; k++)
        {
            var component = _model.Components[k];
            if (Value(k, component, customer, now) is not { } value)
            {
                continue;
            }

            var score = component.Score(value);
            weighted += component.Weight * score;
            weights += component.Weight;
            if (sums is not null)
            {
                sums[k] += score;
                counts![k]++;
            }

            if (score < weakestScore)
            {
                (weakest, weakestScore) = (component.Name, score);
            }
        }

        return weights > 0 ? (weighted / weights, weakest) : null;
    }

    private double? Value(int k, HealthComponent component, int customer, long now)
    {
        var windowStart = component.Window is { } w ? now - (long)(w.TotalSeconds * 1_000_000) : long.MinValue;
        var (first, end) = (_log.Offsets[customer], _log.Offsets[customer + 1]);
        switch (component.Type)
        {
            case HealthComponentType.Recency:
                long? last = null;
                for (var i = first; i < end && _log.Timestamps[i] <= now; i++)
                {
                    if (_matchers[k]!.Matches(i))
                    {
                        last = _log.Timestamps[i];
                    }
                }

                // Never seen reads as "infinitely long ago": the component scores as badly as it can.
                return last is { } l ? (now - l) / 1_000_000.0 : double.PositiveInfinity;
            case HealthComponentType.Frequency or HealthComponentType.Count:
                long n = 0;
                for (var i = first; i < end && _log.Timestamps[i] <= now; i++)
                {
                    if (_log.Timestamps[i] > windowStart && _matchers[k]!.Matches(i))
                    {
                        n++;
                    }
                }

                return n;
            case HealthComponentType.Adoption:
                var names = _adoptionNames[k];
                if (names.Length == 0)
                {
                    return null;
                }

                var used = new bool[names.Length];
                for (var i = first; i < end && _log.Timestamps[i] <= now; i++)
                {
                    if (_log.Timestamps[i] > windowStart)
                    {
                        var idx = Array.IndexOf(names, _log.NameIds[i]);
                        if (idx >= 0)
                        {
                            used[idx] = true;
                        }
                    }
                }

                return (double)used.Count(u => u) / names.Length;
            default:
                double? latest = null;
                for (var i = first; i < end && _log.Timestamps[i] <= now; i++)
                {
                    if (_matchers[k]!.Matches(i) && JourneyAnalyzer.Number(_log.Property(i, component.Property!)) is { } v)
                    {
                        latest = v;
                    }
                }

                return latest;
        }
    }
}
