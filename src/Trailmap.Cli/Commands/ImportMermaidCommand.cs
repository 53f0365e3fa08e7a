using System.CommandLine;
using Spectre.Console;
using Trailmap.Journeys.Mermaid;
using Trailmap.Journeys.Validation;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap import-mermaid FILE [-o OUT]</c>: any Mermaid journey diagram becomes a Trailmap file.</summary>
public static class ImportMermaidCommand
{
    public static Command Create(Terminal terminal)
    {
        var file = new Argument<string>("file") { Description = "A Mermaid file holding a 'journey' diagram ('-' reads stdin)" };
        var output = new Option<string?>("--output", "-o") { Description = "File to write; without it the YAML goes to stdout" };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file if it exists" };
        var command = new Command("import-mermaid", "Turn a Mermaid journey diagram into a Trailmap journey file (sections become stages, tasks actions, actors personas)")
        {
            file, output, force,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            string text;
            if (path == "-")
            {
                text = Console.In.ReadToEnd();
            }
            else if (!File.Exists(path))
            {
                throw new UserError($"no Mermaid file at '{path}'");
            }
            else
            {
                text = File.ReadAllText(path);
            }

            var result = MermaidImporter.Import(text, path);
            foreach (var d in result.Diagnostics)
            {
                terminal.Err.WriteLine(d.ToString());
            }

            if (result.Yaml is null || result.Diagnostics.Any(d => d.Severity == Severity.Error))
            {
                throw new UserError($"{path} could not be imported; fix the lines above");
            }

            var outPath = parse.GetValue(output);
            if (outPath is null)
            {
                terminal.Raw.Write(result.Yaml);
                return 0;
            }

            if (File.Exists(outPath) && !parse.GetValue(force))
            {
                throw new UserError($"'{outPath}' already exists; choose another file with -o or pass --force to overwrite it");
            }

            OutputFile.WriteText(outPath, result.Yaml);
            terminal.Info($"wrote {outPath} ({result.Journey?.Stages.Count ?? 0} stages). Next: add entry events and KPIs, then 'trailmap validate {outPath}'");
            return 0;
        });
        return command;
    }
}
