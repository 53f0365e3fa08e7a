using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Templates;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap templates</c>: the journeys a user can start from.</summary>
public static class TemplatesCommand
{
    public static Command Create(Terminal terminal)
    {
        var format = new Option<string>("--format", "-f") { Description = "table or json (a list of {name, title, description})", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("templates", "List the journey templates; start one with 'trailmap init --template NAME'") { format };
        command.SetAction(parse =>
        {
            if (parse.GetValue(format) == "json")
            {
                var list = TemplateCatalog.All.Select(t => new { t.Name, t.Title, t.Description });
                terminal.Raw.WriteLine(JsonSerializer.Serialize(list, TrailmapJson.Options));
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("Name").AddColumn("Title").AddColumn("Description");
            foreach (var t in TemplateCatalog.All)
            {
                table.AddRow(Markup.Escape(t.Name), Markup.Escape(t.Title), Markup.Escape(t.Description));
            }

            terminal.Out.Write(table);
            terminal.Info("Start one with: trailmap init --template NAME -o journey.yaml");
            return 0;
        });
        return command;
    }
}
