using System.Text;
using Trailmap.Journeys.Model;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Web.Editing;

/// <summary>
/// Writes a stage's edited cards into the journey's YAML text in place. The YAML representation model finds
/// where each key of the stage sits; only the keys whose meaning changed are rewritten, as text spliced into the
/// original, so comments, quoting, ordering and every other stage and section stay exactly as written. A rewritten
/// list loses the comments inside it (it is written anew); a key that becomes empty is removed; a new key goes
/// after its nearest predecessor in the format's order. A stage written in flow style (<c>{ id: a, ... }</c>) is
/// edited in flow style.
/// </summary>
public static class StageYamlEdit
{
    // The stage keys in the order docs/journey-format.md lists them; a new key is placed by this order.
    private static readonly string[] Order =
        ["id", "name", "description", "goal", "mindset", "timeframe", "touchpoints", "actions", "thoughts", "emotion", "pain_points", "opportunities", "kpis", "entry", "ideal"];

    /// <summary>The YAML with <paramref name="stage"/>'s cards replaced by <paramref name="cards"/>; the text itself when nothing changed.</summary>
    /// <exception cref="StageEditException">The stage is not in the text.</exception>
    public static string Apply(string original, Stage stage, EditedCards cards)
    {
        // A final line break makes "after the last line" a position like any other.
        var yaml = original.EndsWith('\n') ? original : original + "\n";
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var node = FindStage(stream, stage.Id) ?? throw new StageEditException($"There is no stage '{stage.Id}' in this journey.");
        var doc = new Document(yaml);
        var flow = node.Style == YamlDotNet.Core.Events.MappingStyle.Flow;
        var indent = flow ? 0 : doc.Column(node.Children.First().Key.Start.Index);

        var wanted = new List<(string Key, Value? Value)>();
        void Want(string key, bool changed, Value? value)
        {
            if (changed)
            {
                wanted.Add((key, value));
            }
        }

        Want("name", cards.Name != stage.Name, new Text(cards.Name));
        Want("description", (cards.Description ?? "") != (stage.Description ?? "").Trim(), cards.Description is { } d ? new Text(d) : null);
        // The cards edit some fields of an item; the item's other keys (a touchpoint's goal or timing, say) are kept.
        var touchpointRest = Rest(node, "touchpoints", stage.Touchpoints.Select(t => t.Id).ToList(), ["id", "name", "channel", "layer", "owner"]);
        var painRest = Rest(node, "pain_points", stage.PainPoints.Select(p => p.Id).ToList(), ["id", "text", "severity"]);
        var opportunityRest = Rest(node, "opportunities", stage.Opportunities.Select(o => o.Id).ToList(), ["id", "text", "type", "priority", "status", "owner", "addresses"]);
        Want("touchpoints", !SameTouchpoints(stage.Touchpoints, cards.Touchpoints), Items(cards.Touchpoints.Select(t => Touchpoint(stage.Id, t, touchpointRest.GetValueOrDefault(t.Id, [])))));
        Want("thoughts", !stage.Thoughts.SequenceEqual(cards.Thoughts), cards.Thoughts.Count == 0 ? null : new List([.. cards.Thoughts.Select(YamlText.Scalar)]));
        Want("emotion", !SameEmotion(stage.Emotion, cards), Emotion(cards));
        Want("pain_points", !SamePains(stage.PainPoints, cards.PainPoints), Items(cards.PainPoints.Select((p, i) => PainPoint(stage.Id, p, i + 1, painRest.GetValueOrDefault(p.Id, [])))));
        Want("opportunities", !SameOpportunities(stage.Opportunities, cards.Opportunities), Items(cards.Opportunities.Select((o, i) => Opportunity(stage.Id, o, i + 1, opportunityRest.GetValueOrDefault(o.Id, [])))));
        if (wanted.Count == 0)
        {
            return original;
        }

        var present = node.Children.Select(kv => (Key: ((YamlScalarNode)kv.Key).Value ?? "", Node: kv.Key, ValueNode: kv.Value)).ToList();
        var edits = new List<(int Start, int End, string Text, int Rank)>();
        foreach (var (key, value) in wanted)
        {
            var rank = Array.IndexOf(Order, key);
            var at = present.FindIndex(p => p.Key == key);
            if (at >= 0)
            {
                var (_, keyNode, valueNode) = present[at];
                var end = doc.ValueEnd(keyNode, valueNode);
                if (value is not null)
                {
                    edits.Add((At(keyNode), end, key + ":" + value.Write(flow, indent), rank));
                }
                else if (flow)
                {
                    // ", key: value" goes with the key before it; the first key takes the ", " after it instead.
                    edits.Add(at > 0
                        ? (doc.ValueEnd(present[at - 1].Node, present[at - 1].ValueNode), end, "", rank)
                        : (At(keyNode), At(present[1].Node), "", rank));
                }
                else if (doc.StartsLine(At(keyNode)))
                {
                    edits.Add((doc.LineStart(At(keyNode)), doc.NextLineStart(end), "", rank));
                }
                else
                {
                    // The key follows "- " on the stage's first line: the next key moves up into its place.
                    edits.Add((At(keyNode), At(present[at + 1].Node), "", rank));
                }
            }
            else if (value is not null)
            {
                // After the present key that comes last before this one in the format's order (id is always there).
                var anchor = present
                    .Where(p => Array.IndexOf(Order, p.Key) is var r && r >= 0 && r < rank && !wanted.Any(w => w.Key == p.Key && w.Value is null))
                    .MaxBy(p => Array.IndexOf(Order, p.Key));
                var after = anchor.Node is null ? doc.ValueEnd(present[^1].Node, present[^1].ValueNode) : doc.ValueEnd(anchor.Node, anchor.ValueNode);
                edits.Add(flow
                    ? (after, after, ", " + key + ":" + value.Write(flow, indent), rank)
                    : (doc.NextLineStart(after), doc.NextLineStart(after), new string(' ', indent) + key + ":" + value.Write(flow, indent) + "\n", rank));
            }
        }

        // From the end backwards, so earlier positions stay valid; at one position the later key first, so it ends up after.
        var text = new StringBuilder(yaml);
        foreach (var (start, end, replacement, _) in edits.OrderByDescending(e => e.Start).ThenByDescending(e => e.Rank))
        {
            text.Remove(start, end - start).Insert(start, replacement);
        }

        return text.ToString();
    }

    private static int At(YamlNode node) => (int)node.Start.Index;

    private static YamlMappingNode? FindStage(YamlStream stream, string id) =>
        stream.Documents.FirstOrDefault()?.RootNode is YamlMappingNode root
        && root.Children.TryGetValue(new YamlScalarNode("stages"), out var stages) && stages is YamlSequenceNode list
            ? list.Children.OfType<YamlMappingNode>().FirstOrDefault(s =>
                s.Children.TryGetValue(new YamlScalarNode("id"), out var v) && v is YamlScalarNode { Value: { } value } && value == id)
            : null;

    private static Value? Items(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? null : new List(list);
    }

    /// <summary>
    /// Per item id (as the parser gave it, in the list's order), the item's keys the cards do not edit, written in flow
    /// style: what a rewritten list must carry over so that editing a card loses nothing else.
    /// </summary>
    private static Dictionary<string, (string Key, string? Value)[]> Rest(YamlMappingNode stage, string key, List<string> ids, string[] edited)
    {
        var rest = new Dictionary<string, (string, string?)[]>(StringComparer.Ordinal);
        if (!stage.Children.TryGetValue(new YamlScalarNode(key), out var value) || value is not YamlSequenceNode list || list.Children.Count != ids.Count)
        {
            return rest;
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (list.Children[i] is YamlMappingNode item)
            {
                rest[ids[i]] = [.. item.Children
                    .Where(kv => kv.Key is YamlScalarNode { Value: { } k } && !edited.Contains(k, StringComparer.Ordinal))
                    .Select(kv => (YamlText.Flow(kv.Key), (string?)YamlText.Flow(kv.Value)))];
            }
        }

        return rest;
    }

    // Only what the parser would not derive by itself is written: the default id, the default layer.
    private static string Touchpoint(string stageId, EditedTouchpoint t, (string Key, string? Value)[] rest) => Item(
        t.Name,
        [
            ("id", t.Id == $"{stageId}-{StageCards.Slug(t.Name)}" ? null : Scalar(t.Id)),
            ("name", Scalar(t.Name)),
            ("channel", Scalar(t.Channel)),
            ("layer", t.Layer == "backstage" ? t.Layer : null),
            ("owner", Scalar(t.Owner)),
            .. rest,
        ]);

    private static string PainPoint(string stageId, EditedPainPoint p, int n, (string Key, string? Value)[] rest) => Item(
        p.Text,
        [
            ("id", p.Id == $"{stageId}-pain-{n}" ? null : Scalar(p.Id)),
            ("text", Scalar(p.Text)),
            ("severity", p.Severity),
            .. rest,
        ]);

    private static string Opportunity(string stageId, EditedOpportunity o, int n, (string Key, string? Value)[] rest) => Item(
        o.Text,
        [
            ("id", o.Id == $"{stageId}-opportunity-{n}" ? null : Scalar(o.Id)),
            ("text", Scalar(o.Text)),
            ("type", o.Type),
            ("priority", o.Priority),
            ("status", o.Status),
            ("owner", Scalar(o.Owner)),
            ("addresses", o.Addresses.Count == 0 ? null : YamlText.FlowList(o.Addresses)),
            .. rest,
        ]);

    private static Value? Emotion(EditedCards cards)
    {
        if (cards.Feelings.Count == 0)
        {
            return cards.EmotionScore is { } score ? new Text(YamlText.Number(score), Raw: true) : null;
        }

        return new Text(FlowMap(("score", cards.EmotionScore is { } s ? YamlText.Number(s) : null), ("feelings", YamlText.FlowList(cards.Feelings))), Raw: true);
    }

    private static string? Scalar(string? text) => text is null ? null : YamlText.Scalar(text);

    /// <summary>An item with only its text is written as that text (the short form); otherwise as a flow mapping.</summary>
    private static string Item(string text, params (string Key, string? Value)[] fields) =>
        fields.Count(f => f.Value is not null) == 1 ? YamlText.Scalar(text) : FlowMap(fields);

    private static string FlowMap(params (string Key, string? Value)[] fields) =>
        "{ " + string.Join(", ", fields.Where(f => f.Value is not null).Select(f => f.Key + ": " + f.Value)) + " }";

    private static bool SameTouchpoints(IReadOnlyList<Touchpoint> a, IReadOnlyList<EditedTouchpoint> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Id == p.Second.Id && p.First.Name == p.Second.Name && p.First.Channel == p.Second.Channel
            && StageCards.Kebab(p.First.Layer) == (p.Second.Layer ?? "frontstage") && p.First.Owner == p.Second.Owner);

    private static bool SameEmotion(Emotion? e, EditedCards cards) =>
        e?.Score == cards.EmotionScore && (e?.Feelings ?? []).SequenceEqual(cards.Feelings);

    private static bool SamePains(IReadOnlyList<PainPoint> a, IReadOnlyList<EditedPainPoint> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Id == p.Second.Id && p.First.Text == p.Second.Text && StageCards.Kebab(p.First.Severity) == (p.Second.Severity ?? ""));

    private static bool SameOpportunities(IReadOnlyList<Opportunity> a, IReadOnlyList<EditedOpportunity> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Id == p.Second.Id && p.First.Text == p.Second.Text
            && StageCards.Kebab(p.First.Type) == (p.Second.Type ?? "") && StageCards.Kebab(p.First.Priority) == (p.Second.Priority ?? "")
            && StageCards.Kebab(p.First.Status) == (p.Second.Status ?? "") && p.First.Owner == p.Second.Owner
            && p.First.Addresses.SequenceEqual(p.Second.Addresses));

    /// <summary>A new value for a key, written after <c>key:</c>.</summary>
    private abstract record Value
    {
        public abstract string Write(bool flow, int indent);
    }

    /// <summary>A text (or, with <paramref name="Raw"/>, an already formatted flow value).</summary>
    private sealed record Text(string Value, bool Raw = false) : Value
    {
        public override string Write(bool flow, int indent) =>
            " " + (Raw ? Value : (flow ? null : YamlText.Literal(Value, indent + 2)) ?? YamlText.Scalar(Value));
    }

    /// <summary>A list of already formatted flow items: block entries under the key, or <c>[a, b]</c> in a flow stage.</summary>
    private sealed record List(IReadOnlyList<string> Items) : Value
    {
        public override string Write(bool flow, int indent) => flow
            ? " [" + string.Join(", ", Items) + "]"
            : string.Concat(Items.Select(i => "\n" + new string(' ', indent + 2) + "- " + i));
    }

    /// <summary>Positions in the text: node extents (YamlDotNet marks a block collection's end where the next token starts).</summary>
    private sealed class Document(string text)
    {
        public int Column(long index) => (int)index - LineStart(index);

        public int LineStart(long index) => text.LastIndexOf('\n', Math.Max(0, (int)index - 1)) is var nl && index > 0 && nl >= 0 ? nl + 1 : 0;

        public bool StartsLine(long index) => text.AsSpan(LineStart(index), (int)index - LineStart(index)).IsWhiteSpace();

        /// <summary>Just past the end of the line holding <paramref name="index"/> (past its line break).</summary>
        public int NextLineStart(int index) => text.IndexOf('\n', index) is var nl && nl >= 0 ? nl + 1 : text.Length;

        /// <summary>Where the value of a key ends: its last character, trailing blank lines and comments excluded.</summary>
        public int ValueEnd(YamlNode key, YamlNode value)
        {
            var colon = text.IndexOf(':', (int)key.End.Index) + 1;
            return Math.Max(colon, End(value));
        }

        private int End(YamlNode node)
        {
            switch (node)
            {
                case YamlScalarNode s:
                    var end = (int)s.End.Index;
                    while (end > s.Start.Index && char.IsWhiteSpace(text[end - 1]))
                    {
                        end--;
                    }

                    return string.IsNullOrEmpty(s.Value) && s.Style == YamlDotNet.Core.ScalarStyle.Plain ? (int)s.Start.Index : end;
                case YamlSequenceNode q when q.Style == YamlDotNet.Core.Events.SequenceStyle.Flow:
                    return Closing(q.Children.Select(End).DefaultIfEmpty((int)q.Start.Index + 1).Max(), ']');
                case YamlMappingNode m when m.Style == YamlDotNet.Core.Events.MappingStyle.Flow:
                    return Closing(m.Children.SelectMany(kv => new[] { End(kv.Key), End(kv.Value) }).DefaultIfEmpty((int)m.Start.Index + 1).Max(), '}');
                case YamlSequenceNode q:
                    return q.Children.Select(End).DefaultIfEmpty((int)q.Start.Index).Max();
                case YamlMappingNode m:
                    return m.Children.SelectMany(kv => new[] { End(kv.Key), End(kv.Value) }).DefaultIfEmpty((int)m.Start.Index).Max();
                default:
                    return (int)node.End.Index;
            }
        }

        // After a flow collection's last item only spaces, commas, line breaks and comments come before its bracket.
        private int Closing(int from, char bracket)
        {
            for (var i = from; i < text.Length; i++)
            {
                if (text[i] == bracket)
                {
                    return i + 1;
                }

                if (text[i] == '#')
                {
                    i = text.IndexOf('\n', i) is var nl && nl >= 0 ? nl : text.Length;
                }
            }

            return text.Length;
        }
    }
}

/// <summary>The stage form cannot be applied (the stage is gone); the message says so.</summary>
public sealed class StageEditException(string message) : Exception(message);
