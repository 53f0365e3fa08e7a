using System.Globalization;
using System.Text;

namespace Trailmap.Journeys.Rendering;

/// <summary>Escaping and small formatting helpers shared by the HTML page's parts.</summary>
internal static class Html
{
    /// <summary>
    /// Escapes text for element content and quoted attributes alike: &amp; &lt; &gt; " and '. Unlike
    /// WebUtility.HtmlEncode it leaves other characters (·, é, emoji) as they are, so the page source stays readable.
    /// </summary>
    public static string E(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.IndexOfAny(Special) < 0)
        {
            return text ?? "";
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static readonly char[] Special = ['&', '<', '>', '"', '\''];

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Num(double n) => n.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Kebab-case of an enum value, as written in the YAML (InProgress becomes in-progress).</summary>
    public static string Kebab<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        var chars = new List<char>();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                chars.Add('-');
            }

            chars.Add(char.ToLowerInvariant(name[i]));
        }

        return new string([.. chars]);
    }

    /// <summary>A few letters that stand for a name in an avatar: "Maya the team lead" gives "MT".</summary>
    public static string Initials(string name)
    {
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 0 && char.IsLetterOrDigit(w[0]))
            .ToList();
        var significant = words.Where(w => !char.IsLower(w[0])).ToList();
        var chosen = (significant.Count > 0 ? significant : words).Take(2);
        return string.Concat(chosen.Select(w => char.ToUpperInvariant(w[0])));
    }

    /// <summary>The first word of a persona's name, short enough for a badge.</summary>
    public static string ShortName(string name) =>
        name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? name;
}
