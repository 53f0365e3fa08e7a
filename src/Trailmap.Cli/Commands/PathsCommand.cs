using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Analytics.Funnels;
using Trailmap.Analytics.Paths;
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
        var sankey = new Option<bool>("--sankey") { Description = "Show the paths as a Sankey: customers per event at each step and the links between steps (see docs/analytics-semantics.md#sankey)" };
        var minShare = new Option<string?>("--min-share") { Description = "With --sankey: an event holding less than this share of the customers at a step joins the step's \"other\" node; 0 to 1 or a percentage [default: 0.05]" };
        var steps = new Option<string?>("--steps") { Description = "With --sankey --dropped-at: the funnel's event names in order, comma-separated" };
        var window = new Option<string>("--window") { Description = "With --dropped-at: the funnel's conversion window from step 1", DefaultValueFactory = _ => "14d" };
        var droppedAt = new Option<int?>("--dropped-at") { Description = "With --steps: a Sankey (so no need for --sankey) of the paths of the customers who dropped at step N (reached it, not N+1), from their step-N event" };
        var since = new Option<string?>("--since") { Description = "With --sankey: only events at or after this time (ISO 8601 or a date)" };
        var until = new Option<string?>("--until") { Description = "With --sankey: only events before this time (ISO 8601 or a date)" };
        var format = Formats.Option("table", "json");
        var source = new EventSource();
        var command = new Command("paths", "The most common event sequences following (--from) or preceding (--to) an event, with customer counts")
        {
            from, to, depth, top, sankey, minShare, steps, window, droppedAt, since, until, format,
        };
        source.AddTo(command, withRange: false, withUnit: true);
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(sankey) || parse.GetValue(droppedAt) is not null)
            {
                var range = (EventSource.ParseTime(parse.GetValue(since), "--since"), EventSource.ParseTime(parse.GetValue(until), "--until"));
                var chart = Sankey(parse, terminal, source, ct, from, to, depth, minShare, steps, window, droppedAt, range);
                if (parse.GetValue(format) == "json")
                {
                    await terminal.Raw.WriteLineAsync(JsonSerializer.Serialize(chart, TrailmapJson.Options).AsMemory(), ct).ConfigureAwait(false);
                    return 0;
                }

                WriteSankey(terminal, chart);
                return 0;
            }

            if (parse.GetValue(steps) is not null)
            {
                throw new UserError("--steps: only the Sankey of a step's drop-off reads a funnel; add --sankey --dropped-at N");
            }

            if (parse.GetValue(since) is not null || parse.GetValue(until) is not null)
            {
                throw new UserError("--since and --until bound the Sankey's events; add --sankey");
            }

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

    private static PathSankey Sankey(
        ParseResult parse, Terminal terminal, EventSource source, CancellationToken ct, Option<string?> from, Option<string?> to, Option<int> depth,
        Option<string?> minShare, Option<string?> steps, Option<string> window, Option<int?> droppedAt, (DateTimeOffset? From, DateTimeOffset? To) range)
    {
        var step = parse.GetValue(droppedAt);
        var spec = Query.Run(() => PathsQuery.Sankey(parse.GetValue(from), parse.GetValue(to), parse.GetValue(depth), parse.GetValue(minShare), step is not null));
        if (step is null)
        {
            if (parse.GetValue(steps) is not null)
            {
                throw new UserError("--steps: a Sankey from or to an event reads no funnel; add --dropped-at N for the paths of a step's drop-off");
            }

            var log = source.Load(parse, terminal, [], events: null, traits: [], ct, range: range);
            return PathSankey.Of(log, spec);
        }

        if (parse.GetValue(steps) is not { } stepText)
        {
            throw new UserError("--dropped-at: name the funnel with --steps A,B,C");
        }

        // The funnel reads its own events; the paths after a step read every event, so the whole log is loaded once.
        var funnel = Query.Run(() => FunnelQuery.Spec(stepText, parse.GetValue(window), null, null, [], null, [], null, []));
        var k = Query.Run(() => PathsQuery.DroppedAt(step.Value.ToString(CultureInfo.InvariantCulture), funnel.Steps.Count));
        var all = source.Load(parse, terminal, [], events: null, traits: [], ct, range: range);
        return PathSankey.Dropped(all, funnel, FunnelEngine.Run(all, funnel), k, spec.Depth, spec.MinShare);
    }

    private static void WriteSankey(Terminal terminal, PathSankey chart)
    {
        var title = chart.Direction == "from" ? $"After {chart.Anchor}" : $"Before {chart.Anchor}";
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{title}: {chart.Customers.ToString("N0", CultureInfo.InvariantCulture)} customers, events under {chart.MinShare.ToString("0.###%", CultureInfo.InvariantCulture)} of them as other"))
            .AddColumn(new TableColumn("Step").RightAligned()).AddColumn("From").AddColumn("To").AddColumn(new TableColumn("Customers").RightAligned());
        foreach (var link in chart.Links)
        {
            var (source, target) = (chart.Nodes[link.Source], chart.Nodes[link.Target]);
            table.AddRow(
                target.Step.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Label(source)),
                Markup.Escape(Label(target)),
                link.Customers.ToString("N0", CultureInfo.InvariantCulture));
        }

        terminal.Out.Write(table);
    }

    private static string Label(SankeyNode node) => node.Other ? "(other)" : node.Event;
}
