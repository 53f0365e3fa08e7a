using System.Globalization;
using System.Text;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;

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
/// Mermaid needs a score on every task, so where the journey has none the score above is only filled in for Mermaid:
/// a <c>%% trailmap: unscored</c> comment marks it, and <c>%% trailmap: no-actions</c> marks a stage's stand-in task,
/// so <see cref="MermaidImporter"/> brings neither back. Ids that the import could not derive from the names are
/// kept in <c>%% trailmap: journey=ID</c>, <c>stage=ID</c> and <c>persona=ID: Name</c> comments. Mermaid ignores
/// comments, so the diagram looks the same.
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

        // After the title, so the diagram still opens with 'journey' and its title for whoever reads it.
        if (Ids.Slug(title.Length > 0 ? title : "Imported journey") != journey.Id && Safe(journey.Id))
        {
            Directive(sb, MermaidDirective.Journey + "=" + journey.Id);
        }

        // Replays the import's id rule, so only ids it would not derive from the names are written down.
        var personaIds = new MermaidImporter.UniqueIds();
        var stageIds = new MermaidImporter.UniqueIds();
        var actorsSeen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in journey.Stages)
        {
            var section = NonEmpty(MermaidText.Clean(stage.Name), MermaidText.Clean(stage.Id));
            if (stageIds.For(section) != stage.Id && Safe(stage.Id))
            {
                Directive(sb, MermaidDirective.Stage + "=" + stage.Id);
            }

            sb.Append("    section ").Append(section).Append('\n');
            var fallback = stage.Emotion?.Score ?? (scale.Min + scale.Max) / 2.0;
            if (stage.Actions.Count == 0)
            {
                Directive(sb, MermaidDirective.NoActions, "      ");
                Task(sb, NonEmpty(MermaidText.Task(stage.Name), MermaidText.Task(stage.Id)), scale.ToMermaid(fallback), []);
                continue;
            }

            foreach (var action in stage.Actions)
            {
                var actors = action.Personas
                    .Select(id => (Id: id, Name: MermaidText.Actor(personaNames.GetValueOrDefault(id, id))))
                    .Where(a => a.Name.Length > 0)
                    .ToList();
                foreach (var (id, name) in actors.Where(a => actorsSeen.Add(a.Name)))
                {
                    if (personaIds.For(name) != id && Safe(id))
                    {
                        Directive(sb, $"{MermaidDirective.Persona}={id}: {name}", "      ");
                    }
                }

                if (action.Score is null)
                {
                    Directive(sb, MermaidDirective.Unscored, "      ");
                }

                Task(sb, NonEmpty(MermaidText.Task(action.Name), "Untitled task"), scale.ToMermaid(action.Score ?? fallback), actors.Select(a => a.Name));
            }
        }

        return sb.ToString();
    }

    private static void Directive(StringBuilder sb, string text, string indent = "    ") =>
        sb.Append(indent).Append(MermaidDirective.Prefix).Append(' ').Append(text).Append('\n');

    // An id goes into a comment line only when it cannot end the line early or smuggle in another line.
    private static bool Safe(string id) => id.Length > 0 && !id.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' or ':');

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
