using System.Globalization;
using System.Text;

namespace Trailmap.Journeys.Writing;

/// <summary>
/// Writes one text as a YAML scalar that reads back as exactly that text, in any YAML reader:
/// plain when it is unambiguous, single-quoted when it only needs protecting, double-quoted with escapes otherwise.
/// </summary>
internal static class YamlScalar
{
    // Words some YAML readers (1.1 and 1.2) turn into booleans or null; quoting keeps them text everywhere.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Text(string value)
    {
        if (IsPlainSafe(value))
        {
            return value;
        }

        return Quoted(value);
    }

    /// <summary>Always quoted, for places where a plain scalar would be read as something other than text.</summary>
    public static string Quoted(string value) => value.Any(NeedsEscape) ? DoubleQuoted(value) : SingleQuoted(value);

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Plain only for a letter followed by letters, digits, spaces and a few harmless marks. This rules out
    /// numbers-as-text, leading indicators (- ? : ! &amp; * # | &gt; ' " % @ `), ': ', ' #', flow indicators
    /// (, [ ] { }) and trailing spaces, which is stricter than YAML needs but easy to trust. A '?' is quoted too:
    /// YAML 1.1 readers (PyYAML) end a plain scalar at '?' inside a flow list, which the writer uses for short lists.
    /// </summary>
    private static bool IsPlainSafe(string value)
    {
        if (value.Length == 0 || !char.IsLetter(value[0]) || value[^1] == ' ' || Reserved.Contains(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or '/' or '(' or ')' or '\'' or '&' or '+' or '!'))
            {
                return false;
            }
        }

        return true;
    }

    // Line breaks and other invisible characters only survive inside double quotes, as escapes.
    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' or '\ufeff';

    private static string SingleQuoted(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string DoubleQuoted(string value)
    {
        var sb = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (NeedsEscape(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
