using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Trailmap.Automation.Backtest;
using Trailmap.Automation.Rules;
using Trailmap.Cli.Measure;
using Trailmap.Events;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap backtest JOURNEY.yaml --from T --to T</c>: what the journey's rules would have sent, day by day.</summary>
public static class BacktestCommand
{
    public static Command Create(Terminal terminal)
    {
        var file = new Argument<string>("journey") { Description = "The journey file whose interventions and sequences to replay" };
        var from = new Option<string>("--from") { Description = "First day to replay (UTC; ISO 8601 or a date). Earlier events still count as history", Required = true };
        var to = new Option<string>("--to") { Description = "End of the replay, exclusive (UTC; ISO 8601 or a date)", Required = true };
        var format = Formats.Option("table", "json", "csv");
        var output = new Option<string?>("--output", "-o") { Description = "File to write (json, csv); stdout without it" };
        var source = new EventSource();
        var command = new Command("backtest", "Replay the event history day by day and report, per intervention or sequence step and day, how many customers would have triggered it, been held out, been messaged after the frequency cap and quiet hours, or been capped. Nothing is sent")
        {
            file, from, to, format, output,
        };
        source.AddTo(command, withRange: false);
        command.SetAction(async (parse, ct) =>
        {
            var journey = JourneyInput.LoadValid(parse.GetValue(file)!, terminal);
            if (journey.Interventions.Count == 0 && journey.Sequences.Count == 0)
            {
                throw new UserError($"{parse.GetValue(file)} has no interventions or sequences to backtest; add one (docs/journey-format.md, 'Interventions and sequences')");
            }

            var start = EventSource.ParseTime(parse.GetValue(from), "--from")!.Value;
            var end = EventSource.ParseTime(parse.GetValue(to), "--to")!.Value;
            if (end <= start)
            {
                throw new UserError($"--to ({end:yyyy-MM-dd HH:mm}) must be after --from ({start:yyyy-MM-dd HH:mm}): the backtest replays the days in between");
            }

            var fmt = parse.GetValue(format)!;
            var outPath = parse.GetValue(output);
            if (fmt == "table" && outPath is not null)
            {
                throw new UserError("the table format prints to the terminal; use --format json or csv with -o");
            }

            var query = new EventLogQuery { Properties = [.. AutomationProperties.Used(journey)], To = end };
            var log = parse.GetValue(source.Events) is { } events ? LoadFile(events, query, terminal, ct) : LoadStore(parse.GetValue(source.Db)!, query, terminal);
            if (log.EventCount == 0)
            {
                terminal.Warn("there are no events before --to; every count will be zero");
            }

            var report = terminal.Err.Status().Start("replaying", ctx =>
                Backtester.Run(journey, log, start, end, new StatusProgress(ctx), ct));
            var text = fmt switch
            {
                "json" => Json(report),
                "csv" => Csv(report),
                _ => null,
            };
            if (text is null)
            {
                WriteTable(terminal, report);
            }
            else if (outPath is null)
            {
                await terminal.Raw.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
            }
            else
            {
                OutputFile.WriteText(outPath, text);
                terminal.Info($"wrote {outPath}");
            }

            return 0;
        });
        return command;
    }

    private static Trailmap.Events.EventLog LoadFile(string file, EventLogQuery query, Terminal terminal, CancellationToken ct)
    {
        using var scratch = EventStore.Open(":memory:");
        ImportCommand.RunImport(scratch, [file], new ImportOptions(), terminal, ct);
        return scratch.LoadEventLog(query);
    }

    private static Trailmap.Events.EventLog LoadStore(string path, EventLogQuery query, Terminal terminal)
    {
        using var store = EventSource.OpenExistingAny(path);
        return terminal.Err.Status().Start("loading events", _ => store.Load(query));
    }

    /// <summary>Shows the day being replayed in the status line (a long backtest takes a while per day).</summary>
    private sealed class StatusProgress(StatusContext ctx) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => ctx.Status($"replayed day {value.Day:N0} of {value.Days:N0}");
    }

    private static string Step(BacktestRow r) => r.Step is { } s ? s.ToString(CultureInfo.InvariantCulture) : "";

    private static void WriteTable(Terminal terminal, BacktestReport report)
    {
        var o = terminal.Out;
        o.MarkupLine($"[bold]{Markup.Escape(report.Journey)}[/]: backtest {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd} (exclusive) over {report.Customers:N0} customers; nothing was sent");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Day").AddColumn("Rule").AddColumn(new TableColumn("Step").RightAligned())
            .AddColumn(new TableColumn("Triggered").RightAligned()).AddColumn(new TableColumn("Held out").RightAligned())
            .AddColumn(new TableColumn("Messaged").RightAligned()).AddColumn(new TableColumn("Delayed").RightAligned())
            .AddColumn(new TableColumn("Capped").RightAligned()).AddColumn(new TableColumn("Unreachable").RightAligned());
        void Add(string day, BacktestRow r) => table.AddRow(day, Markup.Escape(r.RuleId), Step(r), N(r.Triggered), N(r.HeldOut), N(r.Messaged), N(r.Delayed), N(r.Capped), N(r.Unreachable));
        foreach (var r in report.Rows)
        {
            Add(r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r);
        }

        foreach (var r in report.Totals())
        {
            Add("[bold]total[/]", r);
        }

        if (report.Rows.Count == 0)
        {
            o.MarkupLine("No rule fired in the period.");
            return;
        }

        o.Write(table);
        if (report.Rows.Sum(r => r.Unreachable) is var unreachable and > 0)
        {
            o.MarkupLine(Markup.Escape($"{unreachable:N0} planned messages had no address on their channel (an email rule with no 'to' and a customer without an '{Reachability.EmailTrait}' trait): counted as unreachable, not messaged."));
        }
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Json(BacktestReport report)
    {
        static object Row(BacktestRow r, bool day) => new
        {
            Day = day ? r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            Rule = r.RuleId,
            r.Step,
            r.Triggered,
            r.HeldOut,
            r.Messaged,
            r.Delayed,
            r.Capped,
            r.Unreachable,
        };
        var doc = new
        {
            report.Journey,
            From = report.From.ToString("O", CultureInfo.InvariantCulture),
            To = report.To.ToString("O", CultureInfo.InvariantCulture),
            report.Customers,
            Rows = report.Rows.Select(r => Row(r, true)),
            Totals = report.Totals().Select(r => Row(r, false)),
        };
        return JsonSerializer.Serialize(doc, TrailmapJson.Options) + "\n";
    }

    private static string Csv(BacktestReport report)
    {
        var sb = new StringBuilder("day,rule,step,triggered,held_out,messaged,delayed,capped,unreachable\n");
        foreach (var r in report.Rows)
        {
            // Rule ids are letters, digits, '-' and '_' (the parser guarantees it), so no field needs quoting.
            sb.Append(CultureInfo.InvariantCulture, $"{r.Day:yyyy-MM-dd},{r.RuleId},{Step(r)},{r.Triggered},{r.HeldOut},{r.Messaged},{r.Delayed},{r.Capped},{r.Unreachable}\n");
        }

        return sb.ToString();
    }
}
