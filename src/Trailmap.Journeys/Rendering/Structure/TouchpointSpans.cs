using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// A touchpoint drawn across stage columns <see cref="First"/> to <see cref="Last"/> (indexes into the journey's stages,
/// whose ids are <see cref="FirstStage"/> and <see cref="LastStage"/>).
/// </summary>
internal sealed record TouchpointSpan(Touchpoint Touchpoint, int First, int Last, string FirstStage, string LastStage)
{
    /// <summary>The part of the span inside the block of stages [start, start + count), relative to the block; null when outside it.</summary>
    public (int From, int Count)? Within(int start, int count)
    {
        var from = Math.Max(First, start);
        var to = Math.Min(Last, start + count - 1);
        return from > to ? null : (from - start, to - from + 1);
    }
}

/// <summary>
/// The touchpoints that span several stages (a touchpoint with <c>stages</c>): each is drawn once, across the columns
/// from the first to the last stage it names (its own included), instead of in one stage's cell. Stage ids that name
/// no stage are left out here; validation reports them.
/// </summary>
internal static class TouchpointSpans
{
    public static IReadOnlyList<TouchpointSpan> For(Journey journey)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < journey.Stages.Count; i++)
        {
            index.TryAdd(journey.Stages[i].Id, i);
        }

        var spans = new List<TouchpointSpan>();
        for (var i = 0; i < journey.Stages.Count; i++)
        {
            foreach (var t in journey.Stages[i].Touchpoints.Where(t => t.Stages.Count > 0))
            {
                var columns = t.Stages.Select(s => index.TryGetValue(s, out var c) ? c : -1).Where(c => c >= 0).Append(i).ToList();
                if (columns.Min() < columns.Max())
                {
                    spans.Add(new TouchpointSpan(t, columns.Min(), columns.Max(), journey.Stages[columns.Min()].Id, journey.Stages[columns.Max()].Id));
                }
            }
        }

        return spans;
    }
}
