using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trailmap.Cli.Measure;
using Trailmap.Discovery.Discover;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap discover --db STORE -o journey.yaml</c>: a journey proposed from the events alone, with no model.</summary>
public static class DiscoverCommand
{
    public static Command Create(Terminal terminal)
    {
        var defaults = new DiscoveryOptions();
        var output = new Option<string?>("--output", "-o") { Description = "The journey file to write; without it the YAML goes to stdout" };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file if it exists" };
        var minCustomers = new Option<int>("--min-customers") { Description = "Customers an event (and a pair of events, for their order) needs to count", DefaultValueFactory = _ => defaults.MinCustomers };
        var consistency = new Option<double>("--consistency") { Description = "Share of the customers who reached two events that must reach them in the same order for one to follow the other (0.5 to 1)", DefaultValueFactory = _ => defaults.Consistency };
        var maxStages = new Option<int>("--max-stages") { Description = "At most this many stages", DefaultValueFactory = _ => defaults.MaxStages };
        var id = new Option<string>("--id") { Description = "The journey id written in the file", DefaultValueFactory = _ => defaults.JourneyId };
        var source = new EventSource();
        var command = new Command("discover", "Propose a journey from the events alone: milestone stages in the order customers reach them, a window from the measured times, KPIs with today's actual and a suggested target, moment-of-truth and persona candidates with their evidence. The file validates; review it before use")
        {
            output, force, minCustomers, consistency, maxStages, id,
        };
        source.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var options = new DiscoveryOptions
            {
                MinCustomers = parse.GetValue(minCustomers),
                Consistency = parse.GetValue(consistency),
                MaxStages = parse.GetValue(maxStages),
                JourneyId = parse.GetValue(id)!,
            };
            Check(options);
            var path = parse.GetValue(output);
            if (path is not null && File.Exists(path) && !parse.GetValue(force))
            {
                throw new UserError($"'{path}' already exists; choose another file with -o or pass --force to overwrite it");
            }

            // Discovery weighs every event and segments by every trait, so it asks for all of both.
            var log = source.Load(parse, terminal, [], events: null, traits: null, ct);
            DiscoveredJourney found;
            try
            {
                found = terminal.Err.Status().Start("discovering stages", _ => JourneyDiscoverer.Discover(log, options));
            }
            catch (DiscoveryException e)
            {
                throw new UserError(e.Message);
            }

            Summary(terminal, found);
            foreach (var d in found.Diagnostics)
            {
                terminal.Diagnostic(d);
            }

            if (path is null)
            {
                await terminal.Raw.WriteAsync(found.Yaml.AsMemory(), ct).ConfigureAwait(false);
            }
            else
            {
                OutputFile.WriteText(path, found.Yaml);
                terminal.Info($"wrote {path}. Next: trailmap analyze {path}{(parse.GetValue(source.Db) is { } db && db != EventStore.DefaultPath ? $" --db {db}" : "")}");
            }

            return found.HasErrors ? 1 : 0;
        });
        return command;
    }

    private static void Check(DiscoveryOptions options)
    {
        if (options.MinCustomers < 1)
        {
            throw new UserError($"--min-customers must be at least 1, got {options.MinCustomers}");
        }

        if (options.Consistency is <= 0.5 or > 1)
        {
            throw new UserError($"--consistency must be above 0.5 and at most 1 (a share, e.g. 0.8), got {options.Consistency.ToString(CultureInfo.InvariantCulture)}");
        }

        if (options.MaxStages < 2)
        {
            throw new UserError($"--max-stages must be at least 2, got {options.MaxStages}");
        }

        if (JourneyDiscoverer.Slug(options.JourneyId) != options.JourneyId)
        {
            throw new UserError($"--id '{options.JourneyId}' is not an id; use lowercase letters, digits and '-', e.g. 'checkout'");
        }
    }

    private static void Summary(Terminal terminal, DiscoveredJourney found)
    {
        var err = terminal.Err;
        err.MarkupLine(Markup.Escape($"Based on {found.Basis.Events:N0} events of {found.Basis.Customers:N0} customers, {JourneyDiscoverer.Period(found.Basis)}."));
        var table = new Table().Border(TableBorder.Rounded).Title("Discovered stages")
            .AddColumn("#").AddColumn("Entry event").AddColumn(new TableColumn("Reached").RightAligned())
            .AddColumn(new TableColumn("In order").RightAligned()).AddColumn(new TableColumn("Median from previous").RightAligned());
        for (var i = 0; i < found.Stages.Count; i++)
        {
            var s = found.Stages[i];
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Event), s.Reached.ToString("N0", CultureInfo.InvariantCulture),
                s.OrderConsistency is { } c ? Formats.Percent(c) : "",
                s.FromPrevious is { } t ? Duration.FormatApproximate(TimeSpan.FromSeconds(t.MedianSeconds)) : "");
        }

        err.Write(table);
        foreach (var m in found.Moments)
        {
            err.MarkupLine(Markup.Escape($"moment-of-truth candidate: '{m.Event}' within {m.Deadline.Text}: lift {m.Lift.Estimate * 100:+0.0;-0.0} points (95% CI {m.Lift.Low * 100:0.0} to {m.Lift.High * 100:0.0}), {m.Exposed:N0} vs {m.Unexposed:N0} customers"));
        }

        foreach (var p in found.Personas)
        {
            err.MarkupLine(Markup.Escape($"persona candidate: {p.Filter}: {p.MembersConverted:N0} of {p.Members:N0} convert vs {p.RestConverted:N0} of {p.Rest:N0} (difference {p.Difference.Estimate * 100:+0.0;-0.0} points)"));
        }
    }
}
