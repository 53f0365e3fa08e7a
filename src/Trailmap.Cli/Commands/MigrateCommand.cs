using System.CommandLine;
using Spectre.Console;
using Trailmap.Cli.Measure;
using Trailmap.Events.ClickHouse;

namespace Trailmap.Cli.Commands;

/// <summary>
/// <c>trailmap migrate --from FILE --to clickhouse://...</c>: copies a DuckDB store's events, imports, traits and
/// identity links to a ClickHouse cluster, so the same analyses run there. The workspace (members, keys, journeys,
/// the outbox and the rules' state) stays in the file, which <c>serve --workspace</c> then names.
/// </summary>
public static class MigrateCommand
{
    public static Command Create(Terminal terminal)
    {
        var from = new Option<string>("--from") { Description = "The DuckDB store file to copy from (left unchanged)", Required = true, HelpName = "FILE" };
        var to = new Option<string>("--to") { Description = "The ClickHouse store to copy to: clickhouse://HOST:PORT/DATABASE (created if missing; see docs/clickhouse.md)", Required = true, HelpName = "clickhouse://HOST:PORT/DB" };
        var command = new Command("migrate", "Copy a DuckDB store's events, imports, traits and identity links to ClickHouse, keeping arrival order; running it again copies only what is missing. The workspace stays in the file: run serve with --db clickhouse://... --workspace FILE afterwards (docs/clickhouse.md, \"Moving a store\")")
        {
            from, to,
        };
        command.SetAction((parse, ct) =>
        {
            var source = parse.GetValue(from)!;
            var target = parse.GetValue(to)!;
            if (ClickHouseAddress.IsClickHouse(source))
            {
                throw new UserError($"--from '{ClickHouseAddress.Parse(source)}' is a ClickHouse store; migrate copies from a DuckDB file (--from trailmap.duckdb) to ClickHouse (--to clickhouse://...)", 2);
            }

            if (!ClickHouseAddress.IsClickHouse(target))
            {
                throw new UserError($"--to '{target}' is not a ClickHouse address; write clickhouse://HOST:PORT/DATABASE (docs/clickhouse.md)", 2);
            }

            using var duck = EventSource.OpenExisting(source);
            using var cluster = (ClickHouseEventStore)EventSource.OpenAny(target);
            var total = duck.Summary().Events;
            terminal.Info($"copying {total:N0} events from {source} to {cluster.Path}");
            var summary = terminal.Err.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
                .Start(progress =>
                {
                    var task = progress.AddTask("copying events");
                    task.IsIndeterminate = true;
                    var copied = cluster.CopyFrom(duck, new Progress<long>(read => task.Description = $"copying events: {read:N0} of {total:N0}"), ct);
                    task.StopTask();
                    return copied;
                });
            terminal.Info($"migrated to {cluster.Path}: {summary.Events:N0} events written, {summary.EventsAlreadyThere:N0} already there (by message id); "
                + $"{summary.Imports:N0} imports, {summary.Traits:N0} customers' traits, {summary.IdentityLinks:N0} identity links written");
            terminal.Info($"the workspace stays in {source}: trailmap serve --db {cluster.Path} --workspace {source}");
            return Task.FromResult(0);
        });
        return command;
    }
}
