using System.Globalization;
using System.Text;

namespace Trailmap.Web.Editing;

/// <summary>
/// Writes text as a YAML scalar that reads back as exactly that text, safe in block and in flow context: plain
/// when unambiguous, single-quoted when it only needs protecting, double-quoted with escapes otherwise. The same
/// strict rule as the journey writer's (which is internal to its library).
/// </summary>
internal static class YamlText
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Scalar(string value) => IsPlainSafe(value) ? value : Quoted(value);

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// A node of a parsed document written anew in flow style, with the same meaning: a plain scalar stays plain when
    /// that is safe (so a number stays a number), any other scalar is quoted (so a quoted "3" stays text).
    /// </summary>
    public static string Flow(YamlDotNet.RepresentationModel.YamlNode node) => node switch
    {
        YamlDotNet.RepresentationModel.YamlScalarNode scalar => scalar.Style == YamlDotNet.Core.ScalarStyle.Plain ? Scalar(scalar.Value ?? "") : Quoted(scalar.Value ?? ""),
        YamlDotNet.RepresentationModel.YamlSequenceNode list => "[" + string.Join(", ", list.Children.Select(Flow)) + "]",
        YamlDotNet.RepresentationModel.YamlMappingNode map => "{ " + string.Join(", ", map.Children.Select(kv => Flow(kv.Key) + ": " + Flow(kv.Value))) + " }",
        _ => "null",
    };

    /// <summary>A flow list of scalars: <c>[a, 'b, c']</c>.</summary>
    public static string FlowList(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Scalar)) + "]";

    /// <summary>
    /// Multi-line text as a literal block (<c>|</c> or <c>|-</c>) indented under its key, when a block can hold it
    /// exactly; null when only a quoted scalar can (leading spaces, control characters, several trailing breaks).
    /// </summary>
    public static string? Literal(string value, int indent)
    {
        if (!value.Contains('\n', StringComparison.Ordinal) || value.EndsWith("\n\n", StringComparison.Ordinal))
        {
            return null;
        }

        var body = value.EndsWith('\n') ? value[..^1] : value;
        var lines = body.Split('\n');
        if (lines.Any(l => l.StartsWith(' ') || l.StartsWith('\t') || l.Any(c => char.IsControl(c) && c != '\t')) || lines[0].Length == 0)
        {
            return null;
        }

        var pad = new string(' ', indent);
        var sb = new StringBuilder(value.EndsWith('\n') ? "|" : "|-");
        foreach (var line in lines)
        {
            sb.Append('\n');
            if (line.Length > 0)
            {
                sb.Append(pad).Append(line);
            }
        }

        return sb.ToString();
    }

    private static bool IsPlainSafe(string value)
    {
        if (value.Length == 0 || !char.IsLetter(value[0]) || value[^1] == ' ' || Reserved.Contains(value))
        {
            return false;
        }

        return value.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or '/' or '(' or ')' or '\'' or '&' or '+' or '?' or '!');
    }

    public static string Quoted(string value) => value.Any(NeedsEscape) ? DoubleQuoted(value) : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' or '\ufeff';

    private static string DoubleQuoted(string value)
    {
        var sb = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '\t' => sb.Append("\\t"),
                _ when NeedsEscape(c) => sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }
}
