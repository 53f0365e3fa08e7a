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
        foreach (var (name, command) in Commands(root.Subcommands, ""))
        {
            Page.ShouldContain($"## trailmap {name}\n", customMessage: $"run eng/gen-cli-docs.sh: '{name}' is missing");
            foreach (var option in command.Options)
            {
                Page.ShouldContain(option.Name, customMessage: $"run eng/gen-cli-docs.sh: {name} {option.Name} is missing");
                Page.ShouldContain(option.Description ?? "", customMessage: $"run eng/gen-cli-docs.sh: {name} {option.Name} changed");
            }
        }
    }

    /// <summary>Every command with its full name, subcommands included ("users add").</summary>
    private static IEnumerable<(string Name, System.CommandLine.Command Command)> Commands(IEnumerable<System.CommandLine.Command> commands, string parent) =>
        commands.SelectMany(c => Commands(c.Subcommands, parent + c.Name + " ").Prepend((parent + c.Name, c)));
}
