using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Trailmap.Journeys.Model;

public enum FilterOperator { Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual, Contains, In, Exists }

/// <summary>
/// A condition on event properties or customer traits, e.g. <c>plan == "team" and seats &gt;= 5</c>.
/// Parsed once into a tree; evaluated without ever building SQL from the user's text.
/// </summary>
[JsonConverter(typeof(FilterJsonConverter))]
public abstract record Filter
{
    public const string Help =
        "write a filter like plan == \"team\", seats >= 5, country in [\"DE\", \"FR\"], coupon exists; join with and / or / not and parentheses";

    public sealed record And(Filter Left, Filter Right) : Filter
    {
        public override bool Matches(Func<string, object?> lookup) => Left.Matches(lookup) && Right.Matches(lookup);

        public override string ToString() => $"{Wrap(Left, this)} and {Wrap(Right, this)}";
    }

    public sealed record Or(Filter Left, Filter Right) : Filter
    {
        public override bool Matches(Func<string, object?> lookup) => Left.Matches(lookup) || Right.Matches(lookup);

        public override string ToString() => $"{Left} or {Right}";
    }

    public sealed record Not(Filter Inner) : Filter
    {
        public override bool Matches(Func<string, object?> lookup) => !Inner.Matches(lookup);

        public override string ToString() => $"not {Wrap(Inner, this)}";
    }

    /// <summary>One test of a property: <c>path op value</c>.</summary>
    public sealed record Comparison(string Property, FilterOperator Operator, IReadOnlyList<object?> Values) : Filter
    {
        public object? Value => Values.Count > 0 ? Values[0] : null;

        public override bool Matches(Func<string, object?> lookup)
        {
            var actual = lookup(Property);
            return Operator switch
            {
                FilterOperator.Exists => actual is not null,
                FilterOperator.Equal => Same(actual, Value),
                FilterOperator.NotEqual => !Same(actual, Value),
                FilterOperator.In => Values.Any(v => Same(actual, v)),
                FilterOperator.Contains => actual is string s && Value is string needle && s.Contains(needle, StringComparison.Ordinal),
                _ => Order(actual, Value) is { } c && Operator switch
                {
                    FilterOperator.Greater => c > 0,
                    FilterOperator.GreaterOrEqual => c >= 0,
                    FilterOperator.Less => c < 0,
                    _ => c <= 0,
                },
            };
        }

        public override string ToString() => Operator switch
        {
            FilterOperator.Exists => $"{Property} exists",
            FilterOperator.In => $"{Property} in [{string.Join(", ", Values.Select(Literal))}]",
            _ => $"{Property} {Symbol(Operator)} {Literal(Value)}",
        };
    }

    /// <summary>Whether a customer or event matches; <paramref name="lookup"/> returns a property's value or null.</summary>
    public abstract bool Matches(Func<string, object?> lookup);

    /// <summary>Every property the filter reads, for validation and for query planning.</summary>
    public IEnumerable<string> Properties() => this switch
    {
        And a => a.Left.Properties().Concat(a.Right.Properties()),
        Or o => o.Left.Properties().Concat(o.Right.Properties()),
        Not n => n.Inner.Properties(),
        Comparison c => [c.Property],
        _ => [],
    };

    public static Filter Parse(string text) =>
        FilterParser.TryParse(text, out var f, out var error, out _) ? f : throw new FormatException(error);

    /// <summary>Builds <c>a == 1 and b == "x"</c> from a YAML mapping of equalities.</summary>
    public static Filter? AllEqual(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        Filter? result = null;
        foreach (var (key, value) in pairs)
        {
            Filter c = new Comparison(key, FilterOperator.Equal, [value]);
            result = result is null ? c : new And(result, c);
        }

        return result;
    }

    // Parenthesise a child that binds looser than its parent: or under and/not, and under not.
    private static string Wrap(Filter f, Filter parent) =>
        (f is Or && parent is not Or) || (f is And && parent is Not) ? $"({f})" : f.ToString()!;

    internal static string Symbol(FilterOperator op) => op switch
    {
        FilterOperator.Equal => "==",
        FilterOperator.NotEqual => "!=",
        FilterOperator.Greater => ">",
        FilterOperator.GreaterOrEqual => ">=",
        FilterOperator.Less => "<",
        FilterOperator.LessOrEqual => "<=",
        FilterOperator.Contains => "contains",
        FilterOperator.In => "in",
        _ => "exists",
    };

    private static string Literal(object? v) => v switch
    {
        null => "null",
        // Only the quote and the backslash need escaping for the filter tokenizer; JSON's \uXXXX escapes would not read back.
        string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "null",
    };

    private static double? AsNumber(object? v) => v switch
    {
        double d => d,
        int i => i,
        long l => l,
        decimal m => (double)m,
        float f => f,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static bool Same(object? actual, object? expected)
    {
        if (actual is null || expected is null)
        {
            return actual is null && expected is null;
        }

        if (expected is string es)
        {
            return string.Equals(Convert.ToString(actual, CultureInfo.InvariantCulture), es, StringComparison.Ordinal);
        }

        if (expected is bool eb)
        {
            return actual is bool ab ? ab == eb : string.Equals(actual.ToString(), eb ? "true" : "false", StringComparison.OrdinalIgnoreCase);
        }

        return AsNumber(actual) is { } a && AsNumber(expected) is { } e && a == e;
    }

    private static int? Order(object? actual, object? expected)
    {
        if (AsNumber(actual) is { } a && AsNumber(expected) is { } e)
        {
            return a.CompareTo(e);
        }

        return actual is string s && expected is string t ? string.CompareOrdinal(s, t) : null;
    }
}

internal sealed class FilterJsonConverter : JsonConverter<Filter>
{
    public override Filter Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Filter.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, Filter value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

/// <summary>A small recursive-descent parser for filters; reports the column of the first mistake.</summary>
internal static class FilterParser
{
    private enum Kind { Ident, String, Number, Op, LParen, RParen, LBracket, RBracket, Comma, End }

    private readonly record struct Token(Kind Kind, string Text, int Column);

    public static bool TryParse(string text, out Filter filter, out string error, out int column)
    {
        filter = null!;
        error = "";
        column = 1;
        try
        {
            var tokens = Tokenize(text);
            var pos = 0;
            filter = ParseOr(tokens, ref pos);
            if (tokens[pos].Kind != Kind.End)
            {
                throw new FilterSyntaxException($"unexpected '{tokens[pos].Text}'", tokens[pos].Column);
            }

            return true;
        }
        catch (FilterSyntaxException e)
        {
            error = $"{e.Message} at column {e.Column} of the filter: {Filter.Help}";
            column = e.Column;
            return false;
        }
    }

    private static Filter ParseOr(List<Token> t, ref int pos)
    {
        var left = ParseAnd(t, ref pos);
        while (IsWord(t[pos], "or"))
        {
            pos++;
            left = new Filter.Or(left, ParseAnd(t, ref pos));
        }

        return left;
    }

    private static Filter ParseAnd(List<Token> t, ref int pos)
    {
        var left = ParseUnary(t, ref pos);
        while (IsWord(t[pos], "and"))
        {
            pos++;
            left = new Filter.And(left, ParseUnary(t, ref pos));
        }

        return left;
    }

    private static Filter ParseUnary(List<Token> t, ref int pos)
    {
        if (IsWord(t[pos], "not"))
        {
            pos++;
            return new Filter.Not(ParseUnary(t, ref pos));
        }

        if (t[pos].Kind == Kind.LParen)
        {
            pos++;
            var inner = ParseOr(t, ref pos);
            Expect(t, ref pos, Kind.RParen, "')'");
            return inner;
        }

        if (t[pos].Kind != Kind.Ident)
        {
            throw new FilterSyntaxException(t[pos].Kind == Kind.End ? "the filter ends where a property name was expected" : $"expected a property name, found '{t[pos].Text}'", t[pos].Column);
        }

        var property = t[pos++].Text;
        var opToken = t[pos];
        if (IsWord(opToken, "exists"))
        {
            pos++;
            return new Filter.Comparison(property, FilterOperator.Exists, []);
        }

        if (IsWord(opToken, "in"))
        {
            pos++;
            Expect(t, ref pos, Kind.LBracket, "'[' to open the list of values");
            var values = new List<object?> { ParseLiteral(t, ref pos) };
            while (t[pos].Kind == Kind.Comma)
            {
                pos++;
                values.Add(ParseLiteral(t, ref pos));
            }

            Expect(t, ref pos, Kind.RBracket, "']' to close the list of values");
            return new Filter.Comparison(property, FilterOperator.In, values);
        }

        FilterOperator? op = opToken.Kind == Kind.Op ? opToken.Text switch
        {
            "==" or "=" => FilterOperator.Equal,
            "!=" => FilterOperator.NotEqual,
            ">" => FilterOperator.Greater,
            ">=" => FilterOperator.GreaterOrEqual,
            "<" => FilterOperator.Less,
            "<=" => FilterOperator.LessOrEqual,
            _ => null,
        } : IsWord(opToken, "contains") ? FilterOperator.Contains : null;
        if (op is null)
        {
            throw new FilterSyntaxException(
                opToken.Kind == Kind.End ? $"'{property}' needs a comparison such as == \"value\"" : $"expected a comparison (==, !=, >, >=, <, <=, contains, in, exists) after '{property}', found '{opToken.Text}'",
                opToken.Column);
        }

        pos++;
        return new Filter.Comparison(property, op.Value, [ParseLiteral(t, ref pos)]);
    }

    private static object? ParseLiteral(List<Token> t, ref int pos)
    {
        var tok = t[pos];
        switch (tok.Kind)
        {
            case Kind.String:
                pos++;
                return tok.Text;
            case Kind.Number:
                pos++;
                return double.Parse(tok.Text, CultureInfo.InvariantCulture);
            case Kind.Ident when tok.Text is "true" or "false":
                pos++;
                return tok.Text == "true";
            case Kind.Ident when tok.Text == "null":
                pos++;
                return null;
            case Kind.Ident:
                throw new FilterSyntaxException($"'{tok.Text}' needs quotes: write \"{tok.Text}\"", tok.Column);
            default:
                throw new FilterSyntaxException(tok.Kind == Kind.End ? "the filter ends where a value was expected" : $"expected a value, found '{tok.Text}'", tok.Column);
        }
    }

    private static void Expect(List<Token> t, ref int pos, Kind kind, string what)
    {
        if (t[pos].Kind != kind)
        {
            throw new FilterSyntaxException($"expected {what}", t[pos].Column);
        }

        pos++;
    }

    private static bool IsWord(Token t, string word) => t.Kind == Kind.Ident && t.Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    private static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            var col = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '"' or '\'')
            {
                var sb = new StringBuilder();
                i++;
                while (i < s.Length && s[i] != c)
                {
                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        i++;
                    }

                    sb.Append(s[i++]);
                }

                if (i >= s.Length)
                {
                    throw new FilterSyntaxException("a quoted value is not closed", col);
                }

                i++;
                tokens.Add(new Token(Kind.String, sb.ToString(), col));
            }
            else if (char.IsDigit(c) || (c == '-' && i + 1 < s.Length && char.IsDigit(s[i + 1])))
            {
                var start = i++;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] is '.' or 'e' or 'E'))
                {
                    i++;
                }

                var number = s[start..i];
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw new FilterSyntaxException($"'{number}' is not a number", col);
                }

                tokens.Add(new Token(Kind.Number, number, col));
            }
            else if (char.IsLetter(c) || c is '_' or '$')
            {
                var start = i++;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '.' or '$' or '-'))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Ident, s[start..i], col));
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < s.Length && s[i + 1] == '=';
                var op = two ? s.Substring(i, 2) : c.ToString();
                if (op == "!")
                {
                    throw new FilterSyntaxException("'!' on its own is not an operator; write != or not", col);
                }

                i += op.Length;
                tokens.Add(new Token(Kind.Op, op, col));
            }
            else
            {
                var kind = c switch
                {
                    '(' => Kind.LParen,
                    ')' => Kind.RParen,
                    '[' => Kind.LBracket,
                    ']' => Kind.RBracket,
                    ',' => Kind.Comma,
                    _ => throw new FilterSyntaxException($"unexpected character '{c}'", col),
                };
                i++;
                tokens.Add(new Token(kind, c.ToString(), col));
            }
        }

        tokens.Add(new Token(Kind.End, "", s.Length + 1));
        return tokens;
    }

    private sealed class FilterSyntaxException(string message, int column) : Exception(message)
    {
        public int Column { get; } = column;
    }
}
