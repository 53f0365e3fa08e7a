using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Analytics.Queries;
using Trailmap.Cli.Measure;
using Trailmap.Events;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap cohorts JOURNEY.yaml</c>: the journey's cohorts, each with its size now and week by week.</summary>
public static class CohortsCommand
{
    public static Command Create(Terminal terminal)
    {
        var file = new Argument<string>("journey") { Description = "The journey file whose cohorts: section to list" };
        var weeks = new Option<int>("--weeks") { Description = $"How many weeks of size history, ending with the week of the last event (1 to {Trailmap.Analytics.Cohorts.CohortAnalysis.MaxWeeks})", DefaultValueFactory = _ => CohortQuery.DefaultWeeks };
        var format = Formats.Option("table", "json");
        var source = new EventSource();
        var command = new Command("cohorts", "List a journey's cohorts with their size (members now) and their size at the end of each recent week")
        {
            file, weeks, format,
        };
        source.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var n = Query.Run(() => CohortQuery.Weeks(parse.GetValue(weeks)));
            var journey = JourneyInput.LoadValid(parse.GetValue(file)!, terminal);
            if (journey.Cohorts.Count == 0)
            {
                throw new UserError($"{parse.GetValue(file)} defines no cohorts; add a cohorts: section (see docs/cohorts.md)");
            }

            // Every event: a did_not or trait rule judges customers whom the cohort's own events never name.
            var log = source.Load(parse, terminal, CohortQuery.PropertiesUsed(journey.Cohorts), null, CohortQuery.TraitsUsed(journey.Cohorts), ct,
                journey.Measure == JourneyMeasure.Accounts ? AnalysisUnit.Accounts : AnalysisUnit.People);
            var rows = CohortQuery.List(log, journey.Cohorts, n);
            if (parse.GetValue(format) == "json")
            {
                await terminal.Raw.WriteLineAsync(JsonSerializer.Serialize(rows, TrailmapJson.Options).AsMemory(), ct).ConfigureAwait(false);
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Cohorts of {journey.Title}"))
                .AddColumn("Cohort").AddColumn("Definition").AddColumn(new TableColumn("Members").RightAligned()).AddColumn("Weekly (oldest first)");
            foreach (var r in rows)
            {
                table.AddRow(
                    Markup.Escape(r.Name == r.Id ? r.Id : $"{r.Name} ({r.Id})"),
                    Markup.Escape(r.Definition),
                    r.Size.ToString("N0", CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(" ", r.Weekly.Select(w => w.Size.ToString(CultureInfo.InvariantCulture)))));
            }

            terminal.Out.Write(table);
            return 0;
        });
        return command;
    }
}
