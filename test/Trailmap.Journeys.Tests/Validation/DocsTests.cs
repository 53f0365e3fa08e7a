using System.Text.RegularExpressions;
using Shouldly;
using Trailmap.Journeys.Parsing;
using Trailmap.Journeys.Tests.Parsing;
using Trailmap.Journeys.Validation;
using Xunit;

namespace Trailmap.Journeys.Tests.Validation;

/// <summary>Keeps docs/journey-format.md and docs/diagnostics.md true to the code they describe.</summary>
public sealed partial class DocsTests
{
    private static readonly string Format = File.ReadAllText(TestPaths.Repo("docs", "journey-format.md"));
    private static readonly string Diagnostics = File.ReadAllText(TestPaths.Repo("docs", "diagnostics.md"));

    [Fact]
    public void Complete_example_in_the_guide_is_samples_complete_yaml()
    {
        var m = CompleteBlock().Match(Format);
        m.Success.ShouldBeTrue("journey-format.md lost its complete.yaml markers");
        m.Groups["yaml"].Value.ReplaceLineEndings("\n").ShouldBe(File.ReadAllText(TestPaths.Repo("samples", "complete.yaml")).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Minimal_file_in_the_guide_is_clean()
    {
        var minimal = YamlBlocks().Matches(Format).Select(m => m.Groups["yaml"].Value).First();
        minimal.ShouldStartWith("version: 1");
        JourneyFile.FromText(minimal).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void Guide_documents_every_key_of_every_kind()
    {
        foreach (var (kind, keys) in FormatKeys.ByKind)
        {
            foreach (var key in keys)
            {
                Format.ShouldContain($"| `{key}`", customMessage: $"key '{key}' of {kind} is not in a table of journey-format.md");
            }
        }
    }

    [Fact]
    public void Every_code_is_explained_in_diagnostics_md()
    {
        foreach (var code in Codes.All)
        {
            Diagnostics.ShouldContain($"## {code.Code} {code.Name}\n", customMessage: $"{code.Code} has no section");
        }
    }

    [Fact]
    public void Diagnostics_md_explains_no_code_that_does_not_exist()
    {
        var documented = Regex.Matches(Diagnostics, @"^## (TM\d{3}) (\S+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        documented.ShouldBe(Codes.All.Select(c => c.Code));
    }

    [GeneratedRegex(@"<!-- complete.yaml begins -->\n```yaml\n(?<yaml>.*?)```\n<!-- complete.yaml ends -->", RegexOptions.Singleline)]
    private static partial Regex CompleteBlock();

    [GeneratedRegex(@"```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlocks();
}
