using System.Text.RegularExpressions;
using Trailmap.Web.Editing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Web.Journeys;

/// <summary>
/// The title of a copy: a journey created with a title another journey has (the same template twice, the same file
/// uploaded again, a draft extending a journey) would otherwise be listed twice under one name.
/// </summary>
internal static partial class CopyTitle
{
    /// <summary>
    /// <paramref name="title"/> when no journey has it (ignoring case), else the first free of "X (copy)",
    /// "X (copy 2)", "X (copy 3)"..., where X is the title without a copy suffix of its own, so copying a copy
    /// counts on rather than stacking "(copy) (copy)".
    /// </summary>
    public static string Distinct(string title, IEnumerable<string> taken)
    {
        var used = new HashSet<string>(taken, StringComparer.OrdinalIgnoreCase);
        if (!used.Contains(title))
        {
            return title;
        }

        var stem = Suffix().Match(title) is { Success: true } m ? m.Groups["stem"].Value : title;
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? $"{stem} (copy)" : $"{stem} (copy {n.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>
    /// The YAML with the top-level <c>title</c> scalar replaced by <paramref name="title"/>, every other character
    /// kept (comments, layout), and read back to check it; null when the title is not a one-line scalar that can be replaced in place.
    /// </summary>
    public static string? Retitled(string yaml, string title)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0
                || stream.Documents[0].RootNode is not YamlMappingNode root
                || !root.Children.TryGetValue(new YamlScalarNode("title"), out var node)
                || node is not YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } scalar
                || scalar.Start.Line != scalar.End.Line
                || scalar.Anchor.IsEmpty is false)
            {
                return null;
            }

            var start = checked((int)scalar.Start.Index);
            var end = checked((int)scalar.End.Index);
            var retitled = yaml[..start] + YamlText.Scalar(title) + yaml[end..];
            return Trailmap.Journeys.JourneyFile.FromText(retitled) is { HasErrors: false, Journey.Title: var read } && read == title ? retitled : null;
        }
        catch (YamlException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?<stem>.+) \(copy(?: [0-9]+)?\)$")]
    private static partial Regex Suffix();
}
