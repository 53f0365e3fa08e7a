using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Parsing;

/// <summary>Collects diagnostics while one file is read.</summary>
internal sealed class ParseContext(string file)
{
    public string File { get; } = file;

    public List<Diagnostic> Diagnostics { get; } = [];

    public static SourceLocation At(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    public void Report(DiagnosticCode code, YamlNode node, string message) => Report(code, At(node), message);

    public void Report(DiagnosticCode code, SourceLocation at, string message) =>
        Diagnostics.Add(new Diagnostic(code.Severity, code.Code, message, File, at));
}

/// <summary>
/// Reads one YAML mapping of a known kind: typed getters that report wrong types at the value's
/// position, and a final check that flags every key the kind does not declare.
/// </summary>
internal sealed class Fields
{
    private readonly YamlMappingNode _map;
    private readonly ParseContext _ctx;
    private readonly string _kind;
    private readonly string[] _allowed;
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    private Fields(YamlMappingNode map, ParseContext ctx, string kind, string what)
    {
        _map = map;
        _ctx = ctx;
        _kind = kind;
        What = what;
        _allowed = FormatKeys.Of(kind);
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode key || key.Value is null)
            {
                ctx.Report(Codes.WrongType, k, $"a key in {what} must be plain text");
                continue;
            }

            if (!_allowed.Contains(key.Value))
            {
                // "{ name: Kickoff call, plan agreed }" reads "plan agreed" as a key with no value; say why.
                var commaHint = map.Style == YamlDotNet.Core.Events.MappingStyle.Flow && v is YamlScalarNode { Value: null or "" }
                    ? "; if it belongs to the text before it, put that text in quotes: inside { } a comma ends a value"
                    : "";
                ctx.Report(Codes.UnknownKey, key, $"unknown key '{key.Value}' in {what}{Suggest.DidYouMean(key.Value, _allowed)}{commaHint} (allowed: {string.Join(", ", _allowed)})");
                continue;
            }

            _entries[key.Value] = (key, v);
        }
    }

    public string What { get; }

    public SourceLocation Location => ParseContext.At(_map);

    public ParseContext Context => _ctx;

    /// <summary>Opens a node as a mapping of the given kind; reports and returns null for anything else.</summary>
    public static Fields? Open(YamlNode node, ParseContext ctx, string kind, string what)
    {
        if (node is YamlMappingNode map)
        {
            return new Fields(map, ctx, kind, what);
        }

        ctx.Report(Codes.WrongType, node, $"{what} must be a mapping of keys to values, found {Describe(node)}");
        return null;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode s when string.IsNullOrEmpty(s.Value) => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "something else",
    };

    public bool Has(string key) => _entries.ContainsKey(Checked(key));

    public YamlNode? Node(string key) => _entries.TryGetValue(Checked(key), out var e) && !IsNull(e.Value) ? e.Value : null;

    public SourceLocation LocationOf(string key) =>
        _entries.TryGetValue(Checked(key), out var e) ? ParseContext.At(e.Value) : Location;

    /// <summary>Where each value of this mapping was written, with list items as "key[i]" and nested keys as "key.name".</summary>
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations()
    {
        var result = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (key, (_, value)) in _entries)
        {
            result[key] = ParseContext.At(value);
            if (value is YamlSequenceNode seq)
            {
                var i = 0;
                foreach (var item in seq)
                {
                    result[$"{key}[{i++}]"] = ParseContext.At(item);
                }
            }
            else if (value is YamlMappingNode map)
            {
                foreach (var (k, _) in map.Children)
                {
                    if (k is YamlScalarNode { Value: { } name })
                    {
                        result[$"{key}.{name}"] = ParseContext.At(k);
                    }
                }
            }
        }

        return result;
    }

    public string? Text(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required)
            {
                _ctx.Report(Codes.MissingField, _map, $"{What} needs '{key}'");
            }

            return null;
        }

        if (node is YamlScalarNode s)
        {
            return s.Value;
        }

        _ctx.Report(Codes.WrongType, node, $"'{key}' in {What} must be text, found {Describe(node)}");
        return null;
    }

    public string? Id(string key = "id", bool required = true)
    {
        var id = Text(key, required);
        if (id is not null && !Ids.IsValid(id))
        {
            _ctx.Report(Codes.InvalidValue, Node(key)!, $"'{id}' is not a valid id: use letters, digits, '-' and '_', starting with a letter or digit (e.g. '{Ids.Slug(id)}')");
            return Ids.Slug(id);
        }

        return id;
    }

    public double? Number(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        _ctx.Report(Codes.InvalidValue, Node(key)!, $"'{key}' in {What} must be a number, found '{text}'");
        return null;
    }

    public int? Integer(string key)
    {
        var n = Number(key);
        if (n is { } v && v != Math.Floor(v))
        {
            _ctx.Report(Codes.InvalidValue, Node(key)!, $"'{key}' in {What} must be a whole number, found {v}");
            return null;
        }

        return n is null ? null : (int)n.Value;
    }

    /// <summary>A share written as <c>10%</c> or <c>0.1</c>, returned as a fraction.</summary>
    public double? Fraction(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        var t = text.Trim();
        var isPercent = t.EndsWith('%');
        if (double.TryParse(isPercent ? t[..^1] : t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v))
        {
            var f = isPercent ? v / 100 : v;
            if (f is >= 0 and <= 1)
            {
                return f;
            }
        }

        _ctx.Report(Codes.InvalidValue, Node(key)!, $"'{key}' in {What} must be a share between 0% and 100% (e.g. 10%), found '{text}'");
        return null;
    }

    public TEnum? Enum<TEnum>(string key)
        where TEnum : struct, System.Enum
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        var names = EnumNames.Of<TEnum>();
        foreach (var (name, value) in names)
        {
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        var allowed = names.Select(n => n.Name).ToArray();
        _ctx.Report(Codes.InvalidValue, Node(key)!, $"'{text}' is not a valid {key} in {What}{Suggest.DidYouMean(text, allowed)} (allowed: {string.Join(", ", allowed)})");
        return null;
    }

    public Duration? Duration(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (Model.Duration.TryParse(text, out var d))
        {
            return d;
        }

        _ctx.Report(Codes.InvalidDuration, Node(key)!, $"'{text}' is not a duration: {Model.Duration.Help}");
        return null;
    }

    /// <summary>A duration in words with an optional bound ("within 5 minutes", "2-3 days"); see <see cref="Model.Timing"/>.</summary>
    public Timing? Timing(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (Model.Timing.TryParse(text, out var t, out var error))
        {
            return t;
        }

        _ctx.Report(Codes.InvalidDuration, Node(key)!, $"'{key}' in {What}: {error}");
        return null;
    }

    public Target? Target(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (Model.Target.TryParse(text, out var t, out var error))
        {
            return t;
        }

        _ctx.Report(Codes.InvalidTarget, Node(key)!, error);
        return null;
    }

    /// <summary>A list of plain texts; a single text is accepted as a list of one.</summary>
    public IReadOnlyList<string> TextList(string key)
    {
        var node = Node(key);
        switch (node)
        {
            case null:
                return [];
            case YamlScalarNode s:
                return s.Value is null ? [] : [s.Value];
            case YamlSequenceNode seq:
                var list = new List<string>();
                foreach (var item in seq)
                {
                    if (item is YamlScalarNode t && t.Value is not null)
                    {
                        list.Add(t.Value);
                    }
                    else
                    {
                        _ctx.Report(Codes.WrongType, item, $"each entry of '{key}' in {What} must be text, found {Describe(item)}");
                    }
                }

                return list;
            default:
                _ctx.Report(Codes.WrongType, node, $"'{key}' in {What} must be a list of texts, found {Describe(node)}");
                return [];
        }
    }

    /// <summary>A list whose items are read by <paramref name="read"/>; items it rejects are left out.</summary>
    public IReadOnlyList<T> List<T>(string key, Func<YamlNode, int, T?> read)
        where T : class
    {
        var node = Node(key);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode seq)
        {
            _ctx.Report(Codes.WrongType, node, $"'{key}' in {What} must be a list (each entry starting with '- '), found {Describe(node)}");
            return [];
        }

        var list = new List<T>();
        var i = 0;
        foreach (var item in seq)
        {
            if (read(item, i++) is { } value)
            {
                list.Add(value);
            }
        }

        return list;
    }

    public IReadOnlyDictionary<string, string> TextMap(string key)
    {
        var node = Node(key);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
        {
            return result;
        }

        if (node is not YamlMappingNode map)
        {
            _ctx.Report(Codes.WrongType, node, $"'{key}' in {What} must be a mapping of names to values, found {Describe(node)}");
            return result;
        }

        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode ks && ks.Value is not null && v is YamlScalarNode vs)
            {
                result[ks.Value] = vs.Value ?? "";
            }
            else if (k is YamlScalarNode ks2 && ks2.Value is not null && v is YamlSequenceNode vseq)
            {
                result[ks2.Value] = string.Join(", ", vseq.OfType<YamlScalarNode>().Select(x => x.Value));
            }
            else
            {
                _ctx.Report(Codes.WrongType, v, $"each value in '{key}' in {What} must be text");
            }
        }

        return result;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.SingleQuoted and not YamlDotNet.Core.ScalarStyle.DoubleQuoted } s
        && (s.Value is null or "" or "~" or "null");

    private string Checked(string key)
    {
        // A guard for the parser's own code: reading an undeclared key would let the schema drift.
        System.Diagnostics.Debug.Assert(_allowed.Contains(key), $"'{key}' is not declared for {_kind}");
        return key;
    }
}

internal static class EnumNames
{
    /// <summary>Kebab-case names of an enum's values, as the format writes them (InProgress is "in-progress").</summary>
    public static IReadOnlyList<(string Name, TEnum Value)> Of<TEnum>()
        where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Select(v => (Kebab(v.ToString()), v))];

    public static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

internal static class Ids
{
    public static bool IsValid(string id) =>
        id.Length > 0 && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Turns a name into an id: "Welcome email #1" becomes "welcome-email-1".</summary>
    public static string Slug(string text)
    {
        var chars = text.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-');
        var slug = string.Join("-", new string([.. chars]).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "item" : slug;
    }
}
