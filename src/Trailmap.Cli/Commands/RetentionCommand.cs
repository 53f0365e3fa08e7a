using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Analytics.Cohorts;
using Trailmap.Analytics.Queries;
using Trailmap.Analytics.Retention;
using Trailmap.Cli.Measure;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap retention --start EVENT --return EVENT|any --period week</c>: the cohort table.</summary>
public static class RetentionCommand
{
    public static Command Create(Terminal terminal)
    {
        var start = new Option<string>("--start") { Description = "The event that puts a customer in a cohort (its first occurrence)", Required = true };
        var ret = new Option<string>("--return") { Description = "The event that counts as coming back, or 'any'", DefaultValueFactory = _ => "any" };
        var period = new Option<string>("--period") { Description = "day, week or month", DefaultValueFactory = _ => "week" };
        period.AcceptOnlyFromAmong("day", "week", "month");
        var periods = new Option<int>("--periods") { Description = "How many periods after the start to show", DefaultValueFactory = _ => 8 };
        var bucket = new Option<string>("--bucket") { Description = "on (returned in period N) or on-or-after (returned in N or later)", DefaultValueFactory = _ => "on" };
        bucket.AcceptOnlyFromAmong("on", "on-or-after");
        var calendar = new Option<bool>("--calendar") { Description = "Calendar periods (days, ISO weeks, months) instead of rolling 24h/7d/month spans from each start" };
        var format = Formats.Option("table", "json", "csv");
        var source = new EventSource();
        var cohorts = new CohortOptions();
        var command = new Command("retention", "Cohort retention: of the customers who started in each period, how many came back in each later period")
        {
            start, ret, period, periods, bucket, calendar, format,
        };
        source.AddTo(command, withUnit: true);
        cohorts.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var spec = Query.Run(() => RetentionQuery.Spec(parse.GetValue(start), parse.GetValue(ret), parse.GetValue(period),
                parse.GetValue(periods), parse.GetValue(bucket), parse.GetValue(calendar)));
            var from = EventSource.ParseTime(parse.GetValue(source.From), "--from");
            var to = EventSource.ParseTime(parse.GetValue(source.To), "--to");
            RetentionTable table;
            if (parse.GetValue(cohorts.Cohort) is { } id)
            {
                // A cohort is applied in memory, on the log of the table's own events, whatever the store.
                var members = CohortOptions.Members(cohorts.Resolve(parse, terminal, id.Trim(), "--cohort"), source, parse, terminal, ct);
                var log = source.Load(parse, terminal, [.. new[] { spec.StartEvent.Where, spec.ReturnEvent?.Where }.Where(w => w is not null).SelectMany(w => w!.Properties()).Distinct(StringComparer.Ordinal)], RetentionQuery.EventsUsed(spec), [], ct);
                table = RetentionEngine.Run(CohortAnalysis.Keep(log, members), spec);
            }
            else
            {
                table = source.Ask(parse, terminal, analytics => analytics.Retention(spec, from, to), ct);
            }

            Write(terminal, table, parse.GetValue(format)!);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Write(Terminal terminal, RetentionTable table, string format)
    {
        var spec = table.Spec;
        switch (format)
        {
            case "json":
                terminal.Raw.WriteLine(JsonSerializer.Serialize(RetentionQuery.Json(table), TrailmapJson.Options));
                return;
            case "csv":
                var csv = new StringBuilder("cohort,size");
                for (var p = 0; p <= spec.Periods; p++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $",period_{p}");
                }

                csv.Append('\n');
                foreach (var c in table.Cohorts)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{c.Cohort:yyyy-MM-dd},{c.Size}");
                    foreach (var r in c.Retained)
                    {
                        csv.Append(CultureInfo.InvariantCulture, $",{r}");
                    }

                    csv.Append('\n');
                }

                terminal.Raw.Write(csv.ToString());
                return;
            default:
                var t = new Table().Border(TableBorder.Rounded)
                    .Title(Markup.Escape($"Retention by {spec.Period.ToString().ToLowerInvariant()} ({(spec.Bucket == RetentionBucket.On ? "on" : "on or after")}, {(spec.Calendar ? "calendar" : "rolling")})"))
                    .AddColumn("Cohort").AddColumn(new TableColumn("Size").RightAligned());
                for (var p = 0; p <= spec.Periods; p++)
                {
                    t.AddColumn(new TableColumn(p.ToString(CultureInfo.InvariantCulture)).RightAligned());
                }

                foreach (var c in table.Cohorts)
                {
                    var cells = new List<string> { c.Cohort.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Size.ToString("N0", CultureInfo.InvariantCulture) };
                    cells.AddRange(c.Percent.Select(p => Formats.Percent(p)));
                    t.AddRow(cells.ToArray());
                }

                terminal.Out.Write(t);
                return;
        }
    }
}
