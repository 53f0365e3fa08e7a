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
        var by = new Option<string?>("--by") { Description = "cohort:ID: add the tables of the cohort's members and of the rest (see --cohorts)" };
        var format = Formats.Option("table", "json", "csv");
        var source = new EventSource();
        var cohorts = new CohortOptions();
        var command = new Command("retention", "Cohort retention: of the customers who started in each period, how many came back in each later period")
        {
            start, ret, period, periods, bucket, calendar, by, format,
        };
        source.AddTo(command, withUnit: true);
        cohorts.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var spec = Query.Run(() => RetentionQuery.Spec(parse.GetValue(start), parse.GetValue(ret), parse.GetValue(period),
                parse.GetValue(periods), parse.GetValue(bucket), parse.GetValue(calendar)));
            var from = EventSource.ParseTime(parse.GetValue(source.From), "--from");
            var to = EventSource.ParseTime(parse.GetValue(source.To), "--to");
            var byText = parse.GetValue(by)?.Trim();
            if (byText is not null && (!byText.StartsWith(CohortOptions.ByPrefix, StringComparison.Ordinal) || byText.Length == CohortOptions.ByPrefix.Length))
            {
                throw new UserError($"--by '{byText}': retention breaks down by a cohort only; write --by cohort:ID (and name the journey file with --cohorts)");
            }

            RetentionTable table;
            var id = parse.GetValue(cohorts.Cohort);
            if (id is not null || byText is not null)
            {
                // A cohort is applied in memory, on the log of the table's own events, whatever the store.
                var members = id is null ? null : CohortOptions.Members(cohorts.Resolve(parse, terminal, id.Trim(), "--cohort"), source, parse, terminal, ct);
                var split = byText is null ? null : cohorts.Resolve(parse, terminal, byText[CohortOptions.ByPrefix.Length..].Trim(), "--by");
                var splitMembers = split is null ? null : CohortOptions.Members(split, source, parse, terminal, ct);
                var log = source.Load(parse, terminal, [.. new[] { spec.StartEvent.Where, spec.ReturnEvent?.Where }.Where(w => w is not null).SelectMany(w => w!.Properties()).Distinct(StringComparer.Ordinal)], RetentionQuery.EventsUsed(spec), [], ct);
                log = members is null ? log : CohortAnalysis.Keep(log, members);
                table = RetentionEngine.Run(log, spec);
                if (split is not null)
                {
                    var inside = RetentionEngine.Run(CohortAnalysis.Keep(log, splitMembers!), spec);
                    var outside = RetentionEngine.Run(CohortAnalysis.Keep(log, splitMembers!, keep: false), spec);
                    WriteByCohort(terminal, table, split.Id, inside, outside, parse.GetValue(format)!);
                    return Task.FromResult(0);
                }
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

    /// <summary>Everyone's table and each part's: JSON with breakdowns, a CSV with a breakdown column, or three tables.</summary>
    private static void WriteByCohort(Terminal terminal, RetentionTable everyone, string cohortId, RetentionTable inside, RetentionTable outside, string format)
    {
        var (inName, outName) = CohortAnalysis.Values(cohortId);
        switch (format)
        {
            case "json":
                terminal.Raw.WriteLine(JsonSerializer.Serialize(RetentionQuery.ByCohort(everyone, cohortId, inside, outside), TrailmapJson.Options));
                return;
            case "csv":
                var csv = new StringBuilder("breakdown,cohort,size");
                for (var p = 0; p <= everyone.Spec.Periods; p++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $",period_{p}");
                }

                csv.Append('\n');
                foreach (var (name, table) in new[] { ("all", everyone), (inName, inside), (outName, outside) })
                {
                    foreach (var c in table.Cohorts)
                    {
                        csv.Append(CultureInfo.InvariantCulture, $"{name},{c.Cohort:yyyy-MM-dd},{c.Size}");
                        foreach (var r in c.Retained)
                        {
                            csv.Append(CultureInfo.InvariantCulture, $",{r}");
                        }

                        csv.Append('\n');
                    }
                }

                terminal.Raw.Write(csv.ToString());
                return;
            default:
                foreach (var (name, table) in new[] { ("everyone", everyone), (inName, inside), (outName, outside) })
                {
                    terminal.Out.WriteLine(name);
                    Write(terminal, table, format);
                }

                return;
        }
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
