using YamlDotNet.RepresentationModel;

namespace Trailmap.Web.Insights;

/// <summary>The journey's cohorts section cannot take a new entry from the form; the message says what to do.</summary>
public sealed class CohortEditException(string message) : Exception(message);

/// <summary>
/// Adds one cohort to a journey's YAML text in place: spliced in as text after the last entry of its <c>cohorts:</c>
/// list (or as a new section at the end), so every comment, quote and other section stays exactly as written.
/// </summary>
public static class CohortYamlEdit
{
    /// <summary>The YAML with the entry <paramref name="entry"/> writes (given the column of the list's dashes) added to its cohorts.</summary>
    /// <exception cref="CohortEditException">The cohorts section is written in a way the form does not add to.</exception>
    public static string Add(string original, Func<int, string> entry)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(entry);
        var yaml = original.EndsWith('\n') ? original : original + "\n";
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CohortEditException("The journey file is not one YAML mapping; add the cohort in the editor.");
        }

        var keys = root.Children.ToList();
        var at = keys.FindIndex(kv => kv.Key is YamlScalarNode { Value: "cohorts" });
        if (at < 0)
        {
            return yaml + "cohorts:\n" + entry(2);
        }

        var (key, value) = (keys[at].Key, keys[at].Value);
        var keyLine = LineStart(yaml, (int)key.Start.Index);
        if (value is YamlSequenceNode { Style: not YamlDotNet.Core.Events.SequenceStyle.Flow } list && list.Children.Count > 0)
        {
            var start = (int)list.Start.Index;
            var dashes = start - LineStart(yaml, start);

            // Before the next top-level key, less the blank and comment lines that lead into it.
            var end = at + 1 < keys.Count ? LineStart(yaml, (int)keys[at + 1].Key.Start.Index) : yaml.Length;
            while (end > 0)
            {
                var previous = LineStart(yaml, end - 1);
                var line = yaml[previous..end].Trim();
                if (previous <= start || (line.Length > 0 && !(line.StartsWith('#') && yaml[previous] == '#')))
                {
                    break;
                }

                end = previous;
            }

            return yaml[..end] + entry(dashes) + yaml[end..];
        }

        var empty = value is YamlScalarNode { Value: null or "" } or YamlSequenceNode { Children.Count: 0 };
        var valueEnd = (int)value.End.Index;
        if (empty && LineStart(yaml, Math.Max((int)key.End.Index, valueEnd - 1)) == keyLine)
        {
            // cohorts: [] (or nothing) on one line: the line becomes the list.
            var lineEnd = yaml.IndexOf('\n', keyLine);
            return yaml[..keyLine] + "cohorts:\n" + entry(2) + yaml[(lineEnd + 1)..];
        }

        throw new CohortEditException("The journey's cohorts: section is written as a flow list; add the cohort in the editor, as a '- id: ...' entry.");
    }

    private static int LineStart(string text, int index) =>
        index <= 0 ? 0 : text.LastIndexOf('\n', Math.Min(index, text.Length) - 1) + 1;
}
