using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Trailmap.Journeys.Parsing;

/// <summary>
/// Passes YAML events to the document loader while remembering where they were, for errors YamlDotNet does not
/// locate, and stops the input at the first event beyond <see cref="JourneyLimits"/>. YamlDotNet's event parser is a
/// loop, but its document loader recurses once per nesting level and shares nodes between aliases, so the depth and
/// the expanded size are checked here, before the loader sees the event.
/// </summary>
internal sealed class TrackingParser(IParser inner, int textLength) : IParser
{
    private readonly Stack<SourceLocation> _openFlows = new();
    private readonly Stack<OpenCollection> _open = new();
    private readonly Dictionary<string, long> _anchorSizes = new(StringComparer.Ordinal);
    private long _expanded = textLength;

    public ParsingEvent? Current => inner.Current;

    public SourceLocation LastEnd { get; private set; } = new(1, 1);

    public SourceLocation? UnclosedFlow => _openFlows.Count > 0 ? _openFlows.Peek() : null;

    public bool MoveNext()
    {
        var moved = inner.MoveNext();
        if (moved && inner.Current is { } e)
        {
            LastEnd = new SourceLocation((int)e.End.Line, (int)e.End.Column);
            TrackFlows(e);
            Bound(e);
        }

        return moved;
    }

    private static SourceLocation At(ParsingEvent e) => new((int)e.Start.Line, (int)e.Start.Column);

    private void TrackFlows(ParsingEvent e)
    {
        switch (e)
        {
            case SequenceStart { Style: SequenceStyle.Flow }:
            case MappingStart { Style: MappingStyle.Flow }:
                _openFlows.Push(At(e));
                break;
            // Inside a flow collection everything is flow, so any end closes the innermost open one.
            case SequenceEnd or MappingEnd when _openFlows.Count > 0:
                _openFlows.Pop();
                break;
        }
    }

    private void Bound(ParsingEvent e)
    {
        switch (e)
        {
            case DocumentStart:
                // Anchors belong to one document.
                _anchorSizes.Clear();
                break;
            case SequenceStart or MappingStart:
                if (_open.Count == JourneyLimits.MaxDepth)
                {
                    throw new JourneyLimitException(Codes.TooDeep, At(e),
                        $"lists and mappings nest more than {JourneyLimits.MaxDepth} levels deep here, and a journey needs about 8; look for runaway '[' or '{{' or indentation");
                }

                _open.Push(new OpenCollection(((NodeEvent)e).Anchor, e.Start.Index));
                break;
            case SequenceEnd or MappingEnd:
                var closed = _open.Pop();
                // Its size as written plus what the aliases inside it stand for, which the enclosing node inherits.
                if (!closed.Anchor.IsEmpty)
                {
                    _anchorSizes[closed.Anchor.Value] = e.End.Index - closed.Start + closed.AliasChars;
                }

                if (_open.TryPeek(out var parent))
                {
                    parent.AliasChars += closed.AliasChars;
                }

                break;
            case Scalar s when !s.Anchor.IsEmpty:
                _anchorSizes[s.Anchor.Value] = e.End.Index - e.Start.Index;
                break;
            case AnchorAlias alias:
                Expand(alias);
                break;
        }
    }

    private void Expand(AnchorAlias alias)
    {
        var name = alias.Value.Value;
        if (_open.Any(o => !o.Anchor.IsEmpty && o.Anchor.Value == name))
        {
            throw new JourneyLimitException(Codes.AliasesTooLarge, At(alias),
                $"the alias '*{name}' stands inside the list or mapping '&{name}' it names, so it would contain itself without end; copy the text it should repeat instead");
        }

        // YAML defines an anchor before its aliases. YamlDotNet's tree builder instead keeps a placeholder for a
        // forward alias, and a placeholder used as a mapping key recurses in Equals until the stack overflows.
        if (!_anchorSizes.TryGetValue(name, out var size))
        {
            throw new JourneyLimitException(Codes.YamlSyntax, At(alias),
                $"the file is not valid YAML: the alias '*{name}' comes before any anchor '&{name}'; define the anchor first, or write the text out");
        }

        _expanded += size;
        if (_expanded > JourneyLimits.MaxExpandedChars)
        {
            throw new JourneyLimitException(Codes.AliasesTooLarge, At(alias),
                $"with its aliases replaced by what they name, the journey would exceed {JourneyLimits.MaxExpandedChars:N0} characters (this '*{name}' repeats {size:N0}); write the repeated text out where it is needed or shorten it");
        }

        if (_open.TryPeek(out var parent))
        {
            parent.AliasChars += size;
        }
    }

    /// <summary>A list or mapping whose end has not come yet.</summary>
    private sealed class OpenCollection(AnchorName anchor, long start)
    {
        public AnchorName Anchor { get; } = anchor;

        public long Start { get; } = start;

        public long AliasChars { get; set; }
    }
}

/// <summary>The input went beyond one of <see cref="JourneyLimits"/>; reading stops at the event that did.</summary>
internal sealed class JourneyLimitException(DiagnosticCode code, SourceLocation at, string message) : Exception(message)
{
    public DiagnosticCode Code { get; } = code;

    public SourceLocation At { get; } = at;
}
