using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trailmap.Cli.Measure;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap status</c>: what the event store holds.</summary>
public static class StatusCommand
{
    public static Command Create(Terminal terminal)
    {
        var db = StoreOption.Create("The event store: a DuckDB file or clickhouse://HOST:PORT/DATABASE (see docs/clickhouse.md)");
        var command = new Command("status", "Show what the event store holds: events, customers, event names, imports") { db };
        command.SetAction(parse =>
        {
            using var store = EventSource.OpenExistingAny(parse.GetValue(db)!);
            var s = store.Summary();
            terminal.Out.MarkupLine($"[bold]{Markup.Escape(store.Path)}[/]: {s.Events:N0} events, {s.Customers:N0} customers, {s.Imports:N0} imports");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Event").AddColumn(new TableColumn("Count").RightAligned());
            foreach (var e in s.EventNames)
            {
                table.AddRow(Markup.Escape(e.Event), e.Count.ToString("N0", CultureInfo.InvariantCulture));
            }

            terminal.Out.Write(table);
            return 0;
        });
        return command;
    }
}
