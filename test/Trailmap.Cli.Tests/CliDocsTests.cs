using Shouldly;
using Trailmap.Testing;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>docs/cli.md is generated from --help; these tests fail when it falls behind the code.</summary>
public sealed class CliDocsTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "cli.md"));

    [Fact]
    public void Every_command_and_option_is_documented()
    {
        var root = TrailmapCli.Build(Terminal.ForWriters(TextWriter.Null, TextWriter.Null));
        foreach (var command in root.Subcommands)
        {
            Page.ShouldContain($"## trailmap {command.Name}\n", customMessage: $"run eng/gen-cli-docs.sh: '{command.Name}' is missing");
            foreach (var option in command.Options)
            {
                Page.ShouldContain(option.Name, customMessage: $"run eng/gen-cli-docs.sh: {command.Name} {option.Name} is missing");
                Page.ShouldContain(option.Description ?? "", customMessage: $"run eng/gen-cli-docs.sh: {command.Name} {option.Name} changed");
            }
        }
    }
}
