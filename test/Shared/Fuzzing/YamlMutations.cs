using CsCheck;

namespace Trailmap.Testing.Fuzzing;

/// <summary>One change to a text, named so that a failing case can be read and replayed by hand.</summary>
internal sealed record Mutation(string Name, Func<string, string> Apply)
{
    public override string ToString() => Name;
}

/// <summary>A journey file taken from the repository and the mutations that turned it into the input under test.</summary>
internal sealed record MutatedYaml(string Source, IReadOnlyList<Mutation> Mutations, string Text)
{
    public override string ToString() => $"{Source} with {string.Join("; ", Mutations)} ({Text.Length:N0} characters)";
}

/// <summary>
/// Mutated journey YAML: the shipped templates, the samples and the bad files of the diagnostics tests, changed by
/// byte flips, truncation, deletion, duplication, deep nesting and anchors. The inputs come from a fixed PCG seed, so
/// every run throws the same inputs and a failure names the iteration that replays it.
/// </summary>
internal static class YamlMutations
{
    /// <summary>Characters that mean something to YAML, a few that mean nothing, and ones that are not text at all.</summary>
    private static readonly string[] Specials =
        [":", "-", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "#", "'", "\"", "%", "@", "`", "?", "\n", "\r", "\t", " ", "\0", "\ud800", "\ufeff", "é", "0", "9999999999999999999999", "-1", "~", "null", "<<"];

    public static IReadOnlyList<(string Name, string Text)> Corpus(string repoRoot)
    {
        var files = Directory.GetFiles(Path.Combine(repoRoot, "src", "Trailmap.Journeys", "Templates"), "*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(repoRoot, "samples"), "*.yaml"))
            .Concat(Directory.GetFiles(Path.Combine(repoRoot, "test", "Trailmap.Journeys.Tests", "Validation", "Bad"), "*.yaml"))
            .Order(StringComparer.Ordinal);
        return [.. files.Select(f => (Path.GetRelativePath(repoRoot, f), File.ReadAllText(f)))];
    }

    /// <summary>A generator of one to four mutations applied in turn to one corpus file.</summary>
    public static Gen<MutatedYaml> Of(IReadOnlyList<(string Name, string Text)> corpus) =>
        Gen.Select(Gen.Int[0, corpus.Count - 1], One.Array[1, 4], (i, mutations) =>
        {
            var text = corpus[i].Text;
            foreach (var m in mutations)
            {
                text = m.Apply(text);
            }

            return new MutatedYaml(corpus[i].Name, mutations, text);
        });

    /// <summary>The same inputs on every run: <paramref name="count"/> draws from a fixed seed.</summary>
    public static IEnumerable<(int Iteration, MutatedYaml Input)> Fixed(Gen<MutatedYaml> gen, int count, ulong seed = 20261207)
    {
        var pcg = new PCG(1, seed);
        for (var i = 0; i < count; i++)
        {
            yield return (i, gen.Generate(pcg, null, out _));
        }
    }

    private static Gen<Mutation> One { get; } = Gen.Frequency(
        (4, Flip()),
        (2, Insert()),
        (2, Truncate()),
        (2, Delete()),
        (2, Duplicate()),
        (1, Repeat()),
        (2, Nest()),
        (2, Anchor()),
        (1, Laughs()));

    /// <summary>A position as a share of the text's length, so one mutation fits texts of any length.</summary>
    private static Gen<double> At => Gen.Double[0, 1];

    private static int Index(string s, double at) => Math.Clamp((int)(at * s.Length), 0, s.Length);

    private static Gen<Mutation> Flip() => Gen.Select(At, Gen.OneOf(Specials), (at, c) =>
        new Mutation($"replace the character at {at:F4} with {Show(c)}", s =>
        {
            var i = Index(s, at);
            return i >= s.Length ? s + c : s[..i] + c + s[(i + 1)..];
        }));

    private static Gen<Mutation> Insert() => Gen.Select(At, Gen.OneOf(Specials), (at, c) =>
        new Mutation($"insert {Show(c)} at {at:F4}", s => s.Insert(Index(s, at), c)));

    private static Gen<Mutation> Truncate() => At.Select(at =>
        new Mutation($"cut at {at:F4}", s => s[..Index(s, at)]));

    private static Gen<Mutation> Delete() => Gen.Select(At, Gen.Int[1, 200], (at, n) =>
        new Mutation($"delete {n} characters at {at:F4}", s =>
        {
            var i = Index(s, at);
            return s.Remove(i, Math.Min(n, s.Length - i));
        }));

    private static Gen<Mutation> Duplicate() => Gen.Select(At, Gen.Int[1, 2000], At, (from, n, to) =>
        new Mutation($"copy {n} characters at {from:F4} to {to:F4}", s =>
        {
            var i = Index(s, from);
            var slice = s.Substring(i, Math.Min(n, s.Length - i));
            return s.Insert(Index(s, to), slice);
        }));

    private static Gen<Mutation> Repeat() => Gen.Int[2, 40].Select(n =>
        new Mutation($"repeat the whole text {n} times", s => string.Concat(Enumerable.Repeat(s, n))));

    private static Gen<Mutation> Nest() => Gen.Select(
        At,
        Gen.OneOf("[", "{a: ", "- ", "{", "[{x: "),
        Gen.Frequency((3, Gen.Int[1, 10]), (3, Gen.Int[60, 70]), (1, Gen.Int[500, 20_000])),
        (at, open, n) => new Mutation($"nest {Show(open)} {n} times at {at:F4}", s => s.Insert(Index(s, at), string.Concat(Enumerable.Repeat(open, n)))));

    private static Gen<Mutation> Anchor() => Gen.Select(At, At, Gen.Int[1, 3000], (a, b, n) =>
        new Mutation($"anchor &z at {a:F4} and {n} aliases *z at {b:F4}", s =>
        {
            var anchored = s.Insert(Index(s, a), "&z ");
            return anchored.Insert(Index(anchored, b), string.Concat(Enumerable.Repeat(" *z,", n)));
        }));

    private static Gen<Mutation> Laughs() => Gen.Int[1, 9].Select(levels =>
        new Mutation($"append {levels} levels of aliases that each name the one before ten times", s =>
        {
            var lines = new List<string> { "l0: &l0 " + new string('x', 40) };
            for (var i = 1; i <= levels; i++)
            {
                lines.Add($"l{i}: &l{i} [" + string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10)) + "]");
            }

            return s.TrimEnd() + "\n" + string.Join("\n", lines) + "\n";
        }));

    private static string Show(string c) => c.Length > 12 ? $"'{c[..12]}...'" : "'" + string.Concat(c.Select(ch => ch < ' ' || ch > '~' ? $"\\u{(int)ch:x4}" : ch.ToString())) + "'";
}
