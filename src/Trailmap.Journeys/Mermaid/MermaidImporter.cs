using System.Globalization;
using System.Text.RegularExpressions;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;
using Trailmap.Journeys.Validation;
using Trailmap.Journeys.Writing;

namespace Trailmap.Journeys.Mermaid;

/// <summary>
/// The outcome of importing a Mermaid journey: the journey and its Trailmap YAML, or (when the diagram has
/// errors) null for both and diagnostics that point at the offending line and column.
/// </summary>
public sealed record MermaidImport(Journey? Journey, string? Yaml, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>
/// Reads a Mermaid <c>journey</c> diagram (front matter, <c>%%</c> comments, <c>title</c>, <c>accTitle</c>,
/// <c>accDescr</c> on one line or in braces, <c>section</c> and <c>Task: score: Actor, Actor</c> lines, any indentation)
/// into a journey: sections become stages, tasks become actions keeping their 1-5 score, each distinct actor
/// becomes a persona, and a stage's emotion is the mean of its task scores (rounded to two decimals).
/// Tasks before the first section go into an implicit first stage.
/// </summary>
public static partial class MermaidImporter
{
    public const string ImplicitSectionName = "Untitled section";

    public static MermaidImport Import(string mermaidText, string sourceName)
    {
        var reader = new DiagramReader(sourceName);
        var diagram = reader.Read(mermaidText);
        if (diagram is null || reader.Diagnostics.Any(d => d.Severity == Severity.Error))
        {
            return new MermaidImport(null, null, reader.Diagnostics);
        }

        var journey = ToJourney(diagram, sourceName);
        var yaml = Header(sourceName) + JourneyYamlWriter.Write(journey);
        return new MermaidImport(journey, yaml, reader.Diagnostics);
    }

    private static Journey ToJourney(Diagram d, string sourceName)
    {
        var title = d.Title ?? d.FrontMatterTitle ?? d.AccTitle ?? NameOf(sourceName) ?? "Imported journey";
        var personaIds = new UniqueIds();
        var personas = d.Sections.SelectMany(s => s.Tasks).SelectMany(t => t.Actors).Distinct(StringComparer.Ordinal)
            .Select(actor => new Persona { Id = personaIds.For(actor, d.PersonaIds.GetValueOrDefault(actor)), Name = actor })
            .ToList();
        var idOf = personas.ToDictionary(p => p.Name, p => p.Id, StringComparer.Ordinal);
        var stageIds = new UniqueIds();
        var stages = d.Sections.Select(s =>
        {
            // A Trailmap export marks tasks whose score it had to fill in, and the stand-in task of a stage without
            // actions; they come back without a score, and without a task, rather than with an invented one.
            var tasks = s.Tasks.Where(t => !t.Placeholder).ToList();
            var scored = tasks.Where(t => t.Scored).ToList();
            return new Stage
            {
                Id = stageIds.For(s.Name, s.Id),
                Name = s.Name,
                Actions = [.. tasks.Select(t => new CustomerAction { Name = t.Name, Score = t.Scored ? t.Score : null, Personas = [.. t.Actors.Select(a => idOf[a])] })],
                Emotion = scored.Count == 0 ? null : new Emotion { Score = Math.Round(scored.Average(t => t.Score), 2) },
            };
        }).ToList();
        return new Journey
        {
            Id = d.Id ?? Ids.Slug(title),
            Title = title,
            Description = d.AccDescription,
            Personas = personas,
            Stages = stages,
        };
    }

    private static string? NameOf(string sourceName)
    {
        var name = Path.GetFileNameWithoutExtension(sourceName);
        return string.IsNullOrWhiteSpace(name) ? null : name;
    }

    private static string Header(string sourceName)
    {
        var source = Regex.Replace(sourceName, @"[\r\n\u2028\u2029\u0085]+", " ");
        return $"""
            # Imported from the Mermaid journey diagram {source}.
            # Mermaid only has sections, tasks, scores and actors; to measure this journey, next:
            #   - give each stage an 'entry' event (e.g. entry: Signed Up) so customers can be placed in it,
            #   - add 'kpis' with targets to each stage, and touchpoints, pain points and opportunities,
            #   - fill in the personas (role, goals, traits) generated from the actors.
            # Until then validation warns about stages without KPIs or entry events.

            """.ReplaceLineEndings("\n");
    }

    /// <summary>Slug ids made unique with -2, -3... in order of first use.</summary>
    internal sealed class UniqueIds
    {
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        /// <summary>The id for <paramref name="name"/>: <paramref name="given"/> when there is one and it is still free, else its slug.</summary>
        public string For(string name, string? given = null)
        {
            if (given is not null && _used.Add(given))
            {
                return given;
            }

            var slug = Ids.Slug(name);
            var id = slug;
            for (var n = 2; !_used.Add(id); n++)
            {
                id = $"{slug}-{n.ToString(CultureInfo.InvariantCulture)}";
            }

            return id;
        }
    }
}

internal sealed record DiagramTask(string Name, double Score, IReadOnlyList<string> Actors, bool Scored = true, bool Placeholder = false);

internal sealed record DiagramSection(string Name, List<DiagramTask> Tasks, string? Id = null);

internal sealed class Diagram
{
    /// <summary>Ids a Trailmap export wrote in <c>%% trailmap:</c> comments, so a round trip keeps them.</summary>
    public string? Id { get; set; }
    public Dictionary<string, string> PersonaIds { get; } = new(StringComparer.Ordinal);

    public string? Title { get; set; }
    public string? FrontMatterTitle { get; set; }
    public string? AccTitle { get; set; }
    public string? AccDescription { get; set; }
    public List<DiagramSection> Sections { get; } = [];
}

/// <summary>A line-by-line reader of the journey grammar that keeps going after an error to report them all.</summary>
internal sealed partial class DiagramReader(string file)
{
    private const string TaskHelp = "write a task as 'Task name: 5: Actor, Actor' (a score from 1 to 5, actors optional)";

    public List<Diagnostic> Diagnostics { get; } = [];

    public Diagram? Read(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var diagram = new Diagram();
        var i = SkipFrontMatter(lines, diagram);
        if (i < 0)
        {
            return null;
        }

        var seenJourney = false;
        for (; i < lines.Length; i++)
        {
            var raw = lines[i];
            var lineNo = i + 1;
            var trimmed = raw.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (trimmed.StartsWith("%%", StringComparison.Ordinal))
            {
                Directive(trimmed, diagram);
                continue;
            }

            // '#' starts a comment that runs to the end of the line, as in Mermaid's lexer.
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = hash >= 0 ? raw[..hash] : raw;
            var start = line.Length - line.TrimStart().Length;
            var content = line.Trim();
            if (content.Length == 0)
            {
                continue;
            }

            if (!seenJourney)
            {
                if (!content.Equals("journey", StringComparison.OrdinalIgnoreCase))
                {
                    Error(lineNo, start + 1, $"a Mermaid journey starts with the line 'journey', found '{content}'");
                    return null;
                }

                seenJourney = true;
                continue;
            }

            if (line.IndexOf(';', StringComparison.Ordinal) is var semi and >= 0)
            {
                Error(lineNo, semi + 1, "';' is not allowed in a Mermaid journey (it breaks Mermaid's parser); remove it or use ','");
                continue;
            }

            if (AccDescrBlock().IsMatch(content))
            {
                i = ReadDescriptionBlock(lines, i, raw.IndexOf('{', StringComparison.Ordinal), diagram);
                continue;
            }

            Statement(line, lineNo, start, content, diagram);
        }

        if (!seenJourney)
        {
            Error(1, 1, "the text holds no Mermaid journey: it must start with the line 'journey'");
            return null;
        }

        return diagram;
    }

    // What the last '%% trailmap:' comments said about the next section or task.
    private string? _nextStageId;
    private bool _nextUnscored;
    private bool _nextPlaceholder;

    /// <summary>
    /// Reads a <c>%% trailmap: key=value</c> comment (see <see cref="MermaidExporter"/>); Mermaid ignores comments, so
    /// the diagram renders the same while the round trip keeps ids and knows which scores were filled in.
    /// Any other comment is skipped.
    /// </summary>
    private void Directive(string comment, Diagram diagram)
    {
        if (MermaidDirective.Parse(comment) is not { } d)
        {
            return;
        }

        switch (d.Key)
        {
            case MermaidDirective.Journey: diagram.Id = d.Value; break;
            case MermaidDirective.Stage: _nextStageId = d.Value; break;
            case MermaidDirective.Unscored: _nextUnscored = true; break;
            case MermaidDirective.NoActions: _nextPlaceholder = true; break;
            case MermaidDirective.Persona:
                var colon = d.Value.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    diagram.PersonaIds[d.Value[(colon + 1)..].Trim()] = d.Value[..colon].Trim();
                }

                break;
        }
    }

    private void Statement(string line, int lineNo, int start, string content, Diagram diagram)
    {
        if (Keyword(content, "journey"))
        {
            Error(lineNo, start + 1, "'journey' appears twice; a diagram has one 'journey' line at the top");
        }
        else if (Keyword(content, "title"))
        {
            var title = content[5..].Trim();
            if (title.Length == 0)
            {
                Error(lineNo, start + 1, "'title' needs the diagram's title after it, e.g. 'title My working day'");
            }
            else
            {
                diagram.Title = title;
            }
        }
        else if (AccLine().Match(content) is { Success: true } acc)
        {
            var value = acc.Groups["value"].Value.Trim();
            if (acc.Groups["kind"].Value.Equals("accTitle", StringComparison.OrdinalIgnoreCase))
            {
                diagram.AccTitle = value;
            }
            else
            {
                diagram.AccDescription = value;
            }
        }
        else if (Keyword(content, "section"))
        {
            var name = content[7..].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                Error(lineNo, colon + 1, $"a section name cannot contain ':' (Mermaid reads the rest as a task); rename the section '{name}'");
            }
            else if (name.Length == 0)
            {
                Error(lineNo, start + 1, "'section' needs a name after it, e.g. 'section Go to work'");
            }
            else
            {
                diagram.Sections.Add(new DiagramSection(name, [], _nextStageId));
                _nextStageId = null;
            }
        }
        else
        {
            Task(line, lineNo, start, content, diagram);
        }
    }

    private void Task(string line, int lineNo, int start, string content, Diagram diagram)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            Error(lineNo, start + 1, $"'{content}' is neither a keyword (title, section, accTitle, accDescr) nor a task: it has no ':'; {TaskHelp}");
            return;
        }

        var name = line[..colon].Trim();
        if (name.Length == 0)
        {
            Error(lineNo, colon + 1, $"this task has no name before ':'; {TaskHelp}");
            return;
        }

        var pieces = line[(colon + 1)..].Split(':');
        var scoreText = pieces[0].Trim();
        var scoreColumn = colon + 2 + (pieces[0].Length - pieces[0].TrimStart().Length);
        if (scoreText.Length == 0)
        {
            Error(lineNo, scoreColumn, $"task '{name}' has no score after ':'; {TaskHelp}");
            return;
        }

        if (!double.TryParse(scoreText, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score))
        {
            Error(lineNo, scoreColumn, $"the score '{scoreText}' of task '{name}' is not a number; Mermaid scores run from 1 (worst) to 5 (best)");
            return;
        }

        if (score is < 1 or > 5)
        {
            Error(lineNo, scoreColumn, $"the score {scoreText} of task '{name}' is outside Mermaid's scale; use a score from 1 (worst) to 5 (best)");
            return;
        }

        if (pieces.Length > 2)
        {
            var extra = colon + 1 + pieces[0].Length + 1 + pieces[1].Length;
            Diagnostics.Add(new Diagnostic(Severity.Warning, Codes.YamlSyntax.Code, $"task '{name}' has text after its actors (':{string.Join(":", pieces[2..])}'); Mermaid ignores it and so does the import", file, new SourceLocation(lineNo, extra + 1)));
        }

        IReadOnlyList<string> actors = pieces.Length > 1
            ? [.. pieces[1].Split(',').Select(a => a.Trim()).Where(a => a.Length > 0)]
            : [];
        if (diagram.Sections.Count == 0)
        {
            diagram.Sections.Add(new DiagramSection(MermaidImporter.ImplicitSectionName, []));
        }

        diagram.Sections[^1].Tasks.Add(new DiagramTask(name, score, actors, Scored: !_nextUnscored, Placeholder: _nextPlaceholder));
        (_nextUnscored, _nextPlaceholder) = (false, false);
    }

    /// <summary>Skips a leading <c>---</c> front matter block, keeping its title; returns the next line index or -1.</summary>
    private int SkipFrontMatter(string[] lines, Diagram diagram)
    {
        var first = 0;
        while (first < lines.Length && lines[first].Trim().Length == 0)
        {
            first++;
        }

        if (first >= lines.Length || lines[first].Trim() != "---")
        {
            return 0;
        }

        for (var i = first + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim() == "---")
            {
                return i + 1;
            }

            if (FrontMatterTitle().Match(lines[i]) is { Success: true } m)
            {
                diagram.FrontMatterTitle = Unquote(m.Groups["value"].Value.Trim());
            }
        }

        Error(first + 1, 1, "the front matter opened with '---' is never closed; end it with a second '---' line");
        return -1;
    }

    /// <summary>Reads <c>accDescr { ... }</c>, possibly over several lines; returns the index of its last line.</summary>
    private int ReadDescriptionBlock(string[] lines, int index, int brace, Diagram diagram)
    {
        var parts = new List<string>();
        var rest = lines[index][(brace + 1)..];
        for (var i = index; i < lines.Length; i++)
        {
            var text = i == index ? rest : lines[i];
            var close = text.IndexOf('}', StringComparison.Ordinal);
            if (close >= 0)
            {
                parts.Add(text[..close].Trim());
                diagram.AccDescription = string.Join("\n", parts.Where(p => p.Length > 0));
                var after = text[(close + 1)..];
                if (after.Trim().Length > 0)
                {
                    var col = (i == index ? brace + 1 : 0) + close + 2 + (after.Length - after.TrimStart().Length);
                    Error(i + 1, col, "put nothing after the '}' that closes accDescr; start the next statement on a new line");
                }

                return i;
            }

            parts.Add(text.Trim());
        }

        Error(index + 1, brace + 1, "'accDescr {' is never closed; end the description with '}'");
        return lines.Length;
    }

    private static bool Keyword(string content, string keyword) =>
        content.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)
        && (content.Length == keyword.Length || char.IsWhiteSpace(content[keyword.Length]));

    private static string Unquote(string s) =>
        s.Length >= 2 && ((s[0] == '"' && s[^1] == '"') || (s[0] == '\'' && s[^1] == '\'')) ? s[1..^1] : s;

    private void Error(int line, int column, string message) =>
        Diagnostics.Add(new Diagnostic(Severity.Error, Codes.YamlSyntax.Code, message, file, new SourceLocation(line, column)));

    [GeneratedRegex(@"^(?<kind>accTitle|accDescr)\s*:(?<value>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex AccLine();

    [GeneratedRegex(@"^accDescr\s*\{", RegexOptions.IgnoreCase)]
    private static partial Regex AccDescrBlock();

    [GeneratedRegex(@"^title\s*:(?<value>.*)$")]
    private static partial Regex FrontMatterTitle();
}
