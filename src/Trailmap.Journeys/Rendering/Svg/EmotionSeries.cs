using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Rendering;

/// <summary>One emotion curve of a map: a score (or a gap) per stage, on the journey's emotion scale.</summary>
internal sealed record EmotionSeries(string Kind, string Label, IReadOnlyList<double?> Scores)
{
    public bool HasAny => Scores.Any(s => s is not null);

    /// <summary>
    /// The curves to draw: designed (written scores), derived (from feelings, only where no score is written), ideal
    /// and measured, each where any stage has one. Derived points are a curve of their own, never joined to written ones.
    /// </summary>
    public static IReadOnlyList<EmotionSeries> For(Journey journey, JourneyActuals? actuals)
    {
        var all = new List<EmotionSeries>
        {
            new("designed", "Designed", journey.Stages.Select(s => s.Emotion?.Score).ToList()),
            new("derived", "Derived", journey.Stages.Select(s => s.Emotion is { Score: null } e ? e.DerivedScore : null).ToList()),
            new("ideal", "Ideal", journey.Stages.Select(s => s.Ideal?.Emotion).ToList()),
        };
        if (actuals is not null)
        {
            all.Add(new("measured", "Measured", journey.Stages.Select(s => actuals.ForStage(s.Id)?.Emotion).ToList()));
        }

        return all.Where(s => s.HasAny).ToList();
    }

    /// <summary>
    /// Runs of consecutive scored stages, each drawn as its own polyline: a stage without a score breaks the
    /// line rather than being bridged, because a bridged line would invent a feeling nobody recorded.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<(int Stage, double Score)>> Runs()
    {
        var runs = new List<IReadOnlyList<(int, double)>>();
        var current = new List<(int, double)>();
        for (var i = 0; i < Scores.Count; i++)
        {
            if (Scores[i] is { } score)
            {
                current.Add((i, score));
            }
            else if (current.Count > 0)
            {
                runs.Add(current);
                current = [];
            }
        }

        if (current.Count > 0)
        {
            runs.Add(current);
        }

        return runs;
    }

    /// <summary>
    /// Whether the designed point of a stage has another curve's point just above it (within
    /// <paramref name="distance"/>), in which case its label goes below the point instead of over it.
    /// </summary>
    public static bool LabelCrowded(IReadOnlyList<EmotionSeries> series, int stage, Func<double, double> y, double distance)
    {
        var designed = series.FirstOrDefault(s => s.Kind == "designed")?.Scores[stage];
        if (designed is not { } score)
        {
            return false;
        }

        var own = y(score);
        return series.Any(s => s.Kind != "designed" && s.Scores[stage] is { } other && y(other) < own && y(other) > own - distance);
    }

    /// <summary>Position of a score from 0 (worst, bottom) to 1 (best, top), clamped to the scale.</summary>
    public static double Height(EmotionScale scale, double score) => Math.Clamp(scale.Normalise(score), 0, 1);
}
