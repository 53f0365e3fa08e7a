using System.Globalization;
using System.Text;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Mermaid;

/// <summary>
/// Writes a journey as a Mermaid <c>journey</c> diagram: one section per stage, one task per action
/// (<c>Task name: score: Actor1, Actor2</c>). Mermaid only knows these parts, so lanes, KPIs and the rest are left out.
/// </summary>
/// <remarks>
/// A task's score is the action's own score, else the stage's emotion, else the middle of the journey's scale,
/// mapped onto Mermaid's 1-5 with <see cref="EmotionScale.ToMermaid"/>. Actors are the names of the action's
/// personas (the id when no persona has it). A stage without actions becomes one task named after the stage.
/// Names are cleaned by <see cref="MermaidText"/>: <c>#</c> becomes <c>No.</c>, <c>:</c> becomes <c> -</c>,
/// <c>;</c> becomes <c>,</c>, line breaks become spaces (Mermaid's lexer has no way to escape them).
/// </remarks>
public static class MermaidExporter
{
    public static string Export(Journey journey)
    {
        var scale = journey.EmotionScale;
        var personaNames = journey.Personas.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Name);
        var sb = new StringBuilder("journey\n");
        var title = MermaidText.Clean(journey.Title);
        if (title.Length > 0)
        {
            sb.Append("    title ").Append(title).Append('\n');
        }

        foreach (var stage in journey.Stages)
        {
            sb.Append("    section ").Append(NonEmpty(MermaidText.Clean(stage.Name), MermaidText.Clean(stage.Id))).Append('\n');
            var fallback = stage.Emotion?.Score ?? (scale.Min + scale.Max) / 2.0;
            if (stage.Actions.Count == 0)
            {
                Task(sb, NonEmpty(MermaidText.Task(stage.Name), MermaidText.Task(stage.Id)), scale.ToMermaid(fallback), []);
                continue;
            }

            foreach (var action in stage.Actions)
            {
                var actors = action.Personas
                    .Select(id => MermaidText.Actor(personaNames.GetValueOrDefault(id, id)))
                    .Where(a => a.Length > 0);
                Task(sb, NonEmpty(MermaidText.Task(action.Name), "Untitled task"), scale.ToMermaid(action.Score ?? fallback), actors);
            }
        }

        return sb.ToString();
    }

    private static void Task(StringBuilder sb, string name, int score, IEnumerable<string> actors)
    {
        sb.Append("      ").Append(name).Append(": ").Append(score.ToString(CultureInfo.InvariantCulture));
        var list = string.Join(", ", actors);
        if (list.Length > 0)
        {
            sb.Append(": ").Append(list);
        }

        sb.Append('\n');
    }

    private static string NonEmpty(string text, string fallback) => text.Length > 0 ? text : fallback.Length > 0 ? fallback : "Untitled";
}
