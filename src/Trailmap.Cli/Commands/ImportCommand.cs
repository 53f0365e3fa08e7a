using System.CommandLine;
using Spectre.Console;
using Trailmap.Cli.Measure;
using Trailmap.Events;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap import FILE...</c>: events into the store, atomically and idempotently.</summary>
public static class ImportCommand
{
    public static Command Create(Terminal terminal)
    {
        var files = new Argument<string[]>("files") { Description = "CSV, JSONL (plain or Segment messages) or Parquet files", Arity = ArgumentArity.OneOrMore };
        var db = StoreOption.Create("The event store: a DuckDB file (created if missing) or clickhouse://HOST:PORT/DATABASE (see docs/clickhouse.md)");
        var format = new Option<string>("--format") { Description = "csv, jsonl or parquet; by default from the extension and content", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong("auto", "csv", "jsonl", "parquet");
        var map = new Option<string?>("--map") { Description = "Which columns hold what, e.g. customer_id=visitorid,event=event_type,timestamp=ts (message_id= too)" };
        var constantEvent = new Option<string?>("--event") { Description = "A constant event name for files without an event column, e.g. --event Purchased" };
        var traits = new Option<string?>("--traits") { Description = "A CSV of customer traits (a customer id column plus one column per trait)" };
        var rejects = new Option<string?>("--rejects") { Description = "Where to write rejected rows (default: beside the input, NAME.rejects.csv)" };
        var group = new Option<string?>("--group") { Description = "A column (or event property) naming each row's account: the customer becomes its member (see docs/accounts.md)" };
        var command = new Command("import", "Import events into the store. All files land or none do; importing the same file twice adds nothing")
        {
            files, db, format, map, constantEvent, traits, rejects, group,
        };
        command.SetAction((parse, ct) =>
        {
            var options = new ImportOptions
            {
                Format = Enum.Parse<ImportFormat>(parse.GetValue(format)!, ignoreCase: true),
                Map = parse.GetValue(map) is { } m ? ParseMap(m) : new Dictionary<string, string>(),
                ConstantEvent = parse.GetValue(constantEvent),
                TraitsFile = parse.GetValue(traits),
                RejectsPath = parse.GetValue(rejects),
                GroupColumn = parse.GetValue(group) is { Length: > 0 } g ? g : null,
            };
            using var store = EventSource.OpenAny(parse.GetValue(db)!);
            var summary = RunImport(store, parse.GetValue(files)!, options, terminal, ct);
            var s = store.Summary();
            terminal.Info($"store {store.Path}: {s.Events:N0} events of {s.Customers:N0} customers");
            return Task.FromResult(summary.Rejected > 0 && summary.Imported == 0 && summary.Rows > 0 ? 1 : 0);
        });
        return command;
    }

    private static IReadOnlyDictionary<string, string> ParseMap(string text)
    {
        try
        {
            return ImportOptions.ParseMap(text);
        }
        catch (Exception e) when (e is ImportException or ArgumentException or FormatException)
        {
            throw new UserError($"--map: {e.Message}");
        }
    }

    /// <summary>Runs an import with a progress bar (rows and rows/s) and prints the summary and the first rejects.</summary>
    public static ImportSummary RunImport(IEventStore store, IReadOnlyList<string> files, ImportOptions options, Terminal terminal, CancellationToken ct)
    {
        ImportSummary? summary = null;
        try
        {
            terminal.Err.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
                .Start(progress =>
                {
                    var task = progress.AddTask($"importing {Markup.Escape(Path.GetFileName(files[0]))}");
                    task.IsIndeterminate = true;
                    var reporter = new Progress<ImportProgress>(p =>
                        task.Description = $"importing {Markup.Escape(Path.GetFileName(p.File))} ({p.FileIndex + 1}/{p.FileCount}): {p.Rows:N0} rows, {p.RowsPerSecond:N0} rows/s");
                    summary = store.Import(files, options, reporter, ct);
                    task.StopTask();
                });
        }
        catch (ImportException e)
        {
            throw new UserError($"{e.Message} Nothing was imported.");
        }

        var s = summary!;
        terminal.Info($"imported {s.Imported:N0} events from {s.Rows:N0} rows: {s.Duplicates:N0} duplicates skipped, {s.Rejected:N0} rejected" + (s.TraitsUpdated > 0 ? $", traits of {s.TraitsUpdated:N0} customers updated" : ""));
        foreach (var r in s.Rejects.Take(10))
        {
            terminal.Warn($"{r.File}:{r.Line}: {r.Reason}");
        }

        if (s.Rejects.Count > 10)
        {
            terminal.Warn($"... and {s.Rejects.Count - 10:N0} more rejected rows");
        }

        foreach (var f in s.RejectsFiles)
        {
            terminal.Info($"rejected rows written to {f}");
        }

        foreach (var w in s.Warnings)
        {
            terminal.Warn(w);
        }

        return s;
    }
}
