using System.Text.RegularExpressions;
using Shouldly;

namespace Trailmap.Journeys.Tests.Rendering.Html;

/// <summary>
/// A small well-formedness check for generated HTML: every element that opens closes, in order, and attribute
/// quotes pair up. Enough to catch broken markup without an HTML parser dependency.
/// </summary>
internal static partial class TagBalance
{
    private static readonly HashSet<string> Void = ["meta", "br", "img", "input", "link", "hr", "!doctype"];

    public static void Check(string html)
    {
        var withoutStyle = StyleBlock().Replace(html, "<style></style>");
        var stack = new Stack<string>();
        foreach (Match m in Tag().Matches(withoutStyle))
        {
            var name = m.Groups["name"].Value.ToLowerInvariant();
            var attributes = m.Groups["attrs"].Value;
            (attributes.Count(c => c == '"') % 2).ShouldBe(0, $"unbalanced quotes in {m.Value}");
            if (m.Groups["close"].Success)
            {
                stack.Count.ShouldBeGreaterThan(0, $"{m.Value} closes nothing");
                stack.Pop().ShouldBe(name, $"{m.Value} at {m.Index} closes the wrong element");
            }
            else if (!Void.Contains(name) && !attributes.EndsWith('/'))
            {
                stack.Push(name);
            }
        }

        stack.ShouldBeEmpty("elements left open");
        withoutStyle.Count(c => c == '<').ShouldBe(Tag().Matches(withoutStyle).Count, "a '<' outside a tag");
    }

    [GeneratedRegex("<style>.*?</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();

    [GeneratedRegex("<(?<close>/)?(?<name>!?[a-zA-Z][a-zA-Z0-9-]*)(?<attrs>[^<>]*)>")]
    private static partial Regex Tag();
}
