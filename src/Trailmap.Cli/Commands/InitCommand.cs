using System.CommandLine;
using Trailmap.Journeys.Parsing;
using Trailmap.Journeys.Templates;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap init --template NAME [-o FILE]</c>: writes a template to start a journey from.</summary>
public static class InitCommand
{
    public static Command Create(Terminal terminal)
    {
        var template = new Option<string>("--template", "-t") { Description = "Template name (see 'trailmap templates')", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "File to write; without it the YAML goes to stdout" };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file if it exists" };
        var command = new Command("init", "Start a journey file from a template") { template, output, force };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(template)!;
            if (TemplateCatalog.Find(name) is null)
            {
                var names = TemplateCatalog.All.Select(t => t.Name).ToList();
                throw new UserError($"no template '{name}'{Suggest.DidYouMean(name, names)}; available: {string.Join(", ", names)}");
            }

            var yaml = TemplateCatalog.ReadYaml(name);
            var path = parse.GetValue(output);
            if (path is null)
            {
                terminal.Raw.Write(yaml);
                return 0;
            }

            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new UserError($"'{path}' already exists; choose another file with -o or pass --force to overwrite it");
            }

            OutputFile.WriteText(path, yaml);
            terminal.Info($"wrote {path} from template '{name}'. Next: trailmap validate {path} && trailmap render {path} --format html");
            return 0;
        });
        return command;
    }
}
