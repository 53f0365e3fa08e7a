using System.Globalization;
using System.Text;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// The one place where values become ClickHouse SQL text. ClickHouse 18.16 has no query parameters (they came in
/// 19.x), so the few values a query names (event names, customer ids, message ids) are written as string literals
/// here, with every character that could end or bend a literal escaped; numbers are formatted invariantly.
/// </summary>
internal static class ClickHouseSql
{
    /// <summary>A single-quoted string literal: backslash and quote escaped, control characters as escapes.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\0': sb.Append(@"\0"); break;
                default: sb.Append(c); break;
            }
        }

        return sb.Append('\'').ToString();
    }

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A list of literals for IN (...); callers never pass an empty list (IN () is not SQL).</summary>
    public static string List(IEnumerable<string> values) => string.Join(", ", values.Select(Literal));

    /// <summary>One TabSeparated output field with its escapes undone (\t \n \\ \' \0 \b \f \r).</summary>
    public static string Unescape(ReadOnlySpan<char> field)
    {
        if (field.IndexOf('\\') < 0)
        {
            return field.ToString();
        }

        var sb = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            var c = field[i];
            if (c != '\\' || i + 1 == field.Length)
            {
                sb.Append(c);
                continue;
            }

            var n = field[++i];
            sb.Append(n switch
            {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                '0' => '\0',
                'b' => '\b',
                'f' => '\f',
                _ => n,
            });
        }

        return sb.ToString();
    }
}
