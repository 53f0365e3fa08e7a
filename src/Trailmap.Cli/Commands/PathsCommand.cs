using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Analytics.Queries;
using Trailmap.Cli.Measure;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap paths --from EVENT | --to EVENT</c>: the commonest sequences after or before an event.</summary>
public static class PathsCommand
{
    public static Command Create(Terminal terminal)
    {
        var from = new Option<string?>("--from") { Description = "Show what customers do after their first EVENT" };
        var to = new Option<string?>("--to") { Description = "Show what customers do before their first EVENT" };
        var depth = new Option<int>("--depth") { Description = "Events per path", DefaultValueFactory = _ => 3 };
        var top = new Option<int>("--top") { Description = "How many paths to show", DefaultValueFactory = _ => 10 };
        var format = Formats.Option("table", "json");
        var source = new EventSource();
        var command = new Command("paths", "The most common event sequences following (--from) or preceding (--to) an event, with customer counts")
        {
            from, to, depth, top, format,
        };
        source.AddTo(command, withRange: false, withUnit: true);
        command.SetAction(async (parse, ct) =>
        {
            var spec = Query.Run(() => PathsQuery.Spec(parse.GetValue(from), parse.GetValue(to), parse.GetValue(depth), parse.GetValue(top)));
            // In memory over every event, or inside ClickHouse, which returns only the top paths.
            var paths = source.Ask(parse, terminal, analytics => analytics.Paths(spec), ct);
            if (parse.GetValue(format) == "json")
            {
                await terminal.Raw.WriteLineAsync(JsonSerializer.Serialize(PathsQuery.Json(spec, paths), TrailmapJson.Options).AsMemory(), ct).ConfigureAwait(false);
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(spec.From is { } f ? $"After {f}" : $"Before {spec.To}"))
                .AddColumn("Path").AddColumn(new TableColumn("Customers").RightAligned());
            foreach (var p in paths)
            {
                table.AddRow(Markup.Escape(string.Join(" > ", p.Events)), p.Customers.ToString("N0", CultureInfo.InvariantCulture));
            }

            terminal.Out.Write(table);
            return 0;
        });
        return command;
    }
}
