using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Trailmap.Automation.Running;
using Trailmap.Cli.Measure;
using Trailmap.Delivery;
using Trailmap.Events;

namespace Trailmap.Cli.Commands;

/// <summary>
/// <c>trailmap automate --once</c>: one evaluation pass of every journey's rules, then every due message sent, for
/// cron. <c>trailmap serve</c> runs the same continuously.
/// </summary>
public static class AutomateCommand
{
    public static Command Create(Terminal terminal, TimeProvider time)
    {
        var once = new Option<bool>("--once") { Description = "Run one pass and stop (required: for cron; `trailmap serve` runs the rules continuously)" };
        var db = StoreOption.Create("The workspace store: events, journeys, the outbox and the rules' state; or clickhouse://HOST:PORT/DATABASE for the events with --workspace FILE (docs/clickhouse.md)");
        var workspace = WorkspaceOption.Create();
        var state = StateOption.Create();
        var journeyFiles = new Option<string[]>("--journey") { Description = "Journey files to run instead of the journeys saved in the workspace; repeat for several", AllowMultipleArgumentsPerToken = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Decide and print what would be sent; record, enqueue and send nothing" };
        var delivery = new AutomateDeliveryOptions();
        var logLevel = LogLevelOption.Create();
        var command = new Command("automate", "Run the journeys' interventions and sequences: evaluate every rule as of now, decide each new trigger once (holdout, frequency cap, quiet hours, pauses), queue the messages and send everything due. For cron (`--once`); `trailmap serve` runs the rules continuously")
        {
            once, db, workspace, state, journeyFiles, dryRun, logLevel,
        };
        delivery.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (!parse.GetValue(once))
            {
                throw new UserError("automate runs one pass and stops, for cron: pass --once (e.g. `*/5 * * * * trailmap automate --once --db /srv/trailmap.duckdb`). `trailmap serve` runs the rules continuously");
            }

            var (path, events) = WorkspaceOption.Resolve(parse.GetValue(db)!, parse.GetValue(workspace));
            var settings = delivery.Read(parse);
            var files = parse.GetValue(journeyFiles) ?? [];
            foreach (var file in files.Where(f => !File.Exists(f)))
            {
                throw new UserError($"no journey file '{file}'");
            }

            if (events is not null && files.Length == 0 && !File.Exists(path))
            {
                throw new UserError($"no workspace at '{path}': pass the --workspace file trailmap serve uses with this --db, or run journey files with --journey FILE");
            }

            var log = new TerminalLogger(terminal, parse.GetValue(logLevel));
            using var store = events is null ? EventSource.OpenExisting(path) : EventSource.OpenAny(events);
            var stateAddress = parse.GetValue(state);
            using var outbox = OpenOutbox(path, stateAddress, time);
            if (outbox.RecoveredInFlight > 0)
            {
                // The one at-least-once case (docs/delivery.md, "Crash safety"): say so, with the keys to look for.
                log.LogWarning(
                    "delivery recovery: {Count} messages were claimed by a dispatcher that stopped before recording their outcome; they are sent again as a later attempt, marked as redeliveries, and may reach their receivers twice (first keys: {Keys})",
                    outbox.RecoveredInFlight, string.Join(", ", outbox.RecoveredKeys));
            }

            var loaded = files.Select(AutomatedJourney.FromFile).ToList();
            using var runner = OpenRunner(() => new AutomationRunner(
                path,
                outbox,
                (properties, _) => Task.FromResult(store.Load(new EventLogQuery { Properties = [.. properties] })),
                time,
                files.Length > 0 ? () => loaded : null,
                new StoreEventChanges((read, _) => Task.FromResult(read(store))),
                stateAddress), stateAddress);
            var journeys = runner.Journeys();
            if (journeys.Count == 0)
            {
                throw new UserError($"no journeys to run: '{path}' has no saved journeys (save one in `trailmap serve`) and no --journey FILE was given");
            }

            if (journeys.All(j => j.RuleIds.Count == 0 && j.Error is null))
            {
                terminal.Warn("no journey has interventions or sequences; nothing to run (docs/journey-format.md, 'Interventions and sequences')");
            }

            var dry = parse.GetValue(dryRun);
            var pass = await terminal.Err.Status().StartAsync(dry ? "deciding (dry run)" : "evaluating rules", _ =>
                dry ? runner.PreviewAsync(ct) : runner.RunOnceAsync(ct)).ConfigureAwait(false);
            WriteRules(terminal, pass);
            foreach (var problem in pass.Problems)
            {
                terminal.Warn(problem.ToString());
            }

            if (dry)
            {
                WriteMessages(terminal, pass);
                terminal.Info($"dry run: {pass.Planned:N0} messages would be queued; nothing was recorded, queued or sent");
                return pass.Problems.Count > 0 ? 1 : 0;
            }

            terminal.Info(pass.ToString());
            await DispatchAsync(terminal, settings, outbox, runner, time, log, ct).ConfigureAwait(false);
            return pass.Problems.Count > 0 ? 1 : 0;
        });
        return command;
    }

    /// <summary>The outbox in the --db file, or in PostgreSQL with --state; an unreachable database is a user error.</summary>
    private static Outbox OpenOutbox(string path, PostgresAddress? state, TimeProvider time)
    {
        if (state is null)
        {
            return Outbox.Open(path, time);
        }

        try
        {
            return Outbox.Open(state, time);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            throw new UserError($"cannot open the outbox in {state}: {e.Message}{ConnectAdvice(e)}");
        }
    }

    // A database at a newer version says what to do in its message (upgrade this node); connecting is not the problem.
    private static string ConnectAdvice(Exception e) => e is PostgresSchemaException
        ? ""
        : ". Check that PostgreSQL runs there and the user may connect and create tables (docs/postgres-state.md)";

    private static AutomationRunner OpenRunner(Func<AutomationRunner> open, PostgresAddress? state)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (state is not null && e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            throw new UserError($"cannot open the rules' state in {state}: {e.Message}{ConnectAdvice(e)}");
        }
    }

    /// <summary>Sends everything due, pass after pass, until nothing due is left; says which channels are missing.</summary>
    private static async Task DispatchAsync(
        Terminal terminal, DeliverySettings settings, Outbox outbox, AutomationRunner runner, TimeProvider time, ILogger log, CancellationToken ct)
    {
        using var http = OutboundHttp.Create(settings.AllowPrivateDestinations);
        DeliveryChannels channels;
        try
        {
            channels = DeliveryChannels.Create(settings, outbox, runner.UnsubscribeTokens, http.Factory, time);
        }
        catch (ArgumentException e)
        {
            throw new UserError(e.Message);
        }

        await using (channels.ConfigureAwait(false))
        {
            var waiting = outbox.List(OutboxState.Pending).GroupBy(e => e.Action.Channel).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (channel, why) in channels.Missing)
            {
                if (waiting.GetValueOrDefault(channel) is var n and > 0)
                {
                    terminal.Warn($"{n:N0} {channel} message(s) wait in the outbox: {why}. They stay pending and go out once it is set");
                }
            }

            var dispatcher = channels.Dispatcher(outbox, time, log: log);
            var total = DispatchSummary.Empty;
            while (true)
            {
                var summary = await dispatcher.RunOnceAsync(ct).ConfigureAwait(false);
                if (summary.Claimed == 0)
                {
                    break;
                }

                total = new DispatchSummary(total.Claimed + summary.Claimed, total.Sent + summary.Sent, total.Retried + summary.Retried, total.Dead + summary.Dead, total.Suppressed + summary.Suppressed);
            }

            terminal.Info($"delivery: {total.Sent:N0} sent, {total.Retried:N0} to retry later, {total.Dead:N0} dead, {total.Suppressed:N0} suppressed");
        }
    }

    private static void WriteRules(Terminal terminal, AutomationPass pass)
    {
        if (pass.Rules.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Journey").AddColumn("Rule")
            .AddColumn(new TableColumn("Triggered").RightAligned()).AddColumn(new TableColumn("New").RightAligned())
            .AddColumn(new TableColumn("Planned").RightAligned()).AddColumn(new TableColumn("Held out").RightAligned())
            .AddColumn(new TableColumn("Capped").RightAligned()).AddColumn(new TableColumn("Skipped").RightAligned())
            .AddColumn("State");
        foreach (var r in pass.Rules)
        {
            table.AddRow(Markup.Escape(r.JourneyId), Markup.Escape(r.RuleId), N(r.Triggered), N(r.Decided), N(r.Planned), N(r.HeldOut), N(r.Capped), N(r.Skipped),
                r.Paused ? $"paused ({N(r.Waiting)} waiting)" : "active");
        }

        terminal.Out.Write(table);
    }

    private static void WriteMessages(Terminal terminal, AutomationPass pass)
    {
        foreach (var m in pass.Messages.Take(50))
        {
            terminal.Out.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{m.DueAt:yyyy-MM-dd HH:mm}Z  {m.Action.Channel,-7} {m.IdempotencyKey}")));
        }

        if (pass.Messages.Count > 50)
        {
            terminal.Out.MarkupLine($"... and {pass.Messages.Count - 50:N0} more");
        }
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
