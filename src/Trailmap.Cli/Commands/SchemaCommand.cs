using System.CommandLine;
using Trailmap.Journeys.Schema;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap schema</c>: prints the JSON Schema editors use to validate and complete journey files.</summary>
public static class SchemaCommand
{
    public static Command Create(Terminal terminal)
    {
        var command = new Command("schema", "Print the JSON Schema of the journey format (for VS Code's YAML extension: trailmap schema > journey.schema.json)");
        command.SetAction(_ =>
        {
            terminal.Raw.WriteLine(JourneySchema.Json.TrimEnd());
            return 0;
        });
        return command;
    }
}
