using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Web.Suggestions;

/// <summary>
/// Adds the items of an <c>interventions:</c> block (as <c>trailmap suggest</c> writes it: the key, then items and
/// their comments indented by two spaces) to a journey's YAML text. Only text is added: the rest of the file,
/// comments and formatting included, stays exactly as written. A journey without the key gets the whole block at
/// its end; one with a block list gets the items after its last, indented like its own; an empty one
/// (<c>interventions: []</c> or nothing) is replaced by the block.
/// </summary>
public static class InterventionYamlMerge
{
    public static string Add(string journeyYaml, string block)
    {
        ArgumentNullException.ThrowIfNull(journeyYaml);
        ArgumentNullException.ThrowIfNull(block);
        var yaml = journeyYaml.EndsWith('\n') ? journeyYaml : journeyYaml + "\n";
        var lines = block.Split('\n');
        var key = Array.FindIndex(lines, l => l.StartsWith("interventions:", StringComparison.Ordinal));
        if (key < 0)
        {
            throw new ArgumentException("the block has no 'interventions:' key", nameof(block));
        }

        var items = lines.Skip(key + 1).Where(l => l.Length > 0).ToList();
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        var entry = root?.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: "interventions" });
        if (entry?.Key is not { } keyNode)
        {
            return yaml + "\n" + block.TrimEnd('\n') + "\n";
        }

        switch (entry.Value.Value)
        {
            case YamlSequenceNode { Style: YamlDotNet.Core.Events.SequenceStyle.Block } list when list.Children.Count > 0:
                {
                    // After the line the last item ends on, at the column of the list's own dashes.
                    var indent = (int)list.Children[0].Start.Column - 1 - 2;
                    var end = LineEnd(yaml, LastEnd(list.Children[^1]));
                    var text = string.Concat(items.Select(l => Reindent(l, indent) + "\n"));
                    return yaml[..end] + text + yaml[end..];
                }

            case YamlSequenceNode { Children.Count: > 0 }:
                throw new InterventionMergeException("the journey's interventions are written as a flow list ([...]); write them as a block list (one '- ' per line) to add suggestions to them");

            default:
                {
                    // An empty list or no value: the key and its value give way to the block.
                    var start = (int)keyNode.Start.Index;
                    var end = LineEnd(yaml, entry.Value.Value.End);
                    var text = "interventions:\n" + string.Concat(items.Select(l => l + "\n"));
                    return yaml[..start] + text + yaml[end..];
                }
        }
    }

    /// <summary>
    /// Where a node's text really ends: at its last scalar or flow collection. A block mapping's own end mark can lie
    /// lines away (at the next token), or short of its last key in a list written at column zero.
    /// </summary>
    private static Mark LastEnd(YamlNode node) =>
        node.AllNodes.Where(n => n is YamlScalarNode || n is YamlMappingNode { Style: YamlDotNet.Core.Events.MappingStyle.Flow } || n is YamlSequenceNode { Style: YamlDotNet.Core.Events.SequenceStyle.Flow })
            .Select(n => n.End).DefaultIfEmpty(node.End).MaxBy(m => m.Index);

    /// <summary>The index just past the line break of the line <paramref name="mark"/> is on (or the text's end).</summary>
    private static int LineEnd(string yaml, Mark mark)
    {
        var at = (int)Math.Min(mark.Index, yaml.Length);

        // A node's end can sit at the start of the next line already (after a block scalar or a nested list).
        if (at > 0 && yaml[at - 1] == '\n')
        {
            return at;
        }

        var newline = yaml.IndexOf('\n', at);
        return newline < 0 ? yaml.Length : newline + 1;
    }

    private static string Reindent(string line, int dashColumn)
    {
        var body = line.StartsWith("  ", StringComparison.Ordinal) ? line[2..] : line.TrimStart();
        return dashColumn > 0 ? new string(' ', dashColumn) + body : body;
    }
}

/// <summary>Suggestions cannot be added to this journey's text as it is written; the message says what to change.</summary>
public sealed class InterventionMergeException(string message) : Exception(message);
