using System.Globalization;
using System.Text;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Writing;

/// <summary>
/// Writes a filter as an expression the filter parser reads back into the same tree.
/// <see cref="Filter.ToString"/> is for display: it drops parentheses a reader needs ("not (a and b)" prints as
/// "not a and b") and writes strings with JSON escapes (\u00FC) the filter tokenizer does not decode.
/// </summary>
internal static class FilterWriter
{
    public static string Write(Filter filter) => filter switch
    {
        Filter.Or o => $"{Write(o.Left)} or {Operand(o.Right, tight: false)}",
        Filter.And a => $"{Operand(a.Left, tight: false)} and {Operand(a.Right, tight: true)}",
        Filter.Not n => $"not {Operand(n.Inner, tight: true)}",
        Filter.Comparison c => Comparison(c),
        _ => throw new InvalidOperationException($"unknown filter {filter.GetType().Name}"),
    };

    /// <summary>Whether every property name can appear bare in an expression (letters, digits, _ . $ -).</summary>
    public static bool HasPlainProperties(Filter filter) => filter.Properties().All(IsIdentifier);

    /// <summary>The equalities of a pure <c>a == x and b == y</c> chain, as the mapping form of a filter writes them.</summary>
    public static IReadOnlyList<Filter.Comparison>? AsEqualities(Filter filter)
    {
        var result = new List<Filter.Comparison>();
        var node = filter;
        while (node is Filter.And { Right: Filter.Comparison { Operator: FilterOperator.Equal } right } and)
        {
            result.Insert(0, right);
            node = and.Left;
        }

        if (node is not Filter.Comparison { Operator: FilterOperator.Equal } first)
        {
            return null;
        }

        result.Insert(0, first);
        return result;
    }

    public static string Literal(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        // The tokenizer reads digits, '.', 'e' and a leading '-', so "1E+20" is written "1E20".
        double d => d.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "E", StringComparison.Ordinal),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture).Replace("E+", "E", StringComparison.Ordinal),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    // Parentheses exactly where the parser's precedence (or < and < not) would otherwise regroup the tree;
    // the right operand of a left-associative chain needs them for a node of the same kind too.
    private static string Operand(Filter f, bool tight) => f switch
    {
        Filter.Or => $"({Write(f)})",
        Filter.And when tight => $"({Write(f)})",
        _ => Write(f),
    };

    private static string Comparison(Filter.Comparison c) => c.Operator switch
    {
        FilterOperator.Exists => $"{c.Property} exists",
        FilterOperator.In => $"{c.Property} in [{string.Join(", ", c.Values.Select(Literal))}]",
        _ => $"{c.Property} {Filter.Symbol(c.Operator)} {Literal(c.Value)}",
    };

    // The tokenizer takes the character after a backslash literally, so only the quote and backslash need escaping.
    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var ch in s)
        {
            if (ch is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(ch);
        }

        return sb.Append('"').ToString();
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] is '_' or '$')
        && s.All(ch => char.IsLetterOrDigit(ch) || ch is '_' or '.' or '$' or '-')
        && !Keywords.Contains(s);

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "in", "exists", "contains", "true", "false", "null",
    };
}
