using System.CommandLine;
using Spectre.Console;
using Trailmap.Cli.Commands;

namespace Trailmap.Cli;

/// <summary>Builds the command tree and runs it; the only place that turns failures into exit codes.</summary>
public static class TrailmapCli
{
    /// <summary>The exit code of a command line that does not parse (docs/cli.md lists every exit code).</summary>
    public const int UsageErrorExitCode = 2;

    public static RootCommand Build(Terminal terminal) => Build(terminal, TimeProvider.System);

    public static RootCommand Build(Terminal terminal, TimeProvider time)
    {
        var root = new RootCommand("trailmap: customer journeys as code. Map the journey in YAML, validate and render it, and measure it against customer events.");
        root.Subcommands.Add(ValidateCommand.Create(terminal));
        root.Subcommands.Add(RenderCommand.Create(terminal, time));
        root.Subcommands.Add(TemplatesCommand.Create(terminal));
        root.Subcommands.Add(InitCommand.Create(terminal));
        root.Subcommands.Add(SchemaCommand.Create(terminal));
        root.Subcommands.Add(ImportMermaidCommand.Create(terminal));
        root.Subcommands.Add(GenerateCommand.Create(terminal));
        root.Subcommands.Add(ImportCommand.Create(terminal));
        root.Subcommands.Add(StatusCommand.Create(terminal));
        root.Subcommands.Add(MigrateCommand.Create(terminal));
        root.Subcommands.Add(FunnelCommand.Create(terminal));
        root.Subcommands.Add(RetentionCommand.Create(terminal));
        root.Subcommands.Add(PathsCommand.Create(terminal));
        root.Subcommands.Add(CohortsCommand.Create(terminal));
        root.Subcommands.Add(AnalyzeCommand.Create(terminal, time));
        root.Subcommands.Add(BacktestCommand.Create(terminal));
        root.Subcommands.Add(DiscoverCommand.Create(terminal));
        root.Subcommands.Add(DraftCommand.Create(terminal, time));
        root.Subcommands.Add(SuggestCommand.Create(terminal));
        root.Subcommands.Add(AutomateCommand.Create(terminal, time));
        root.Subcommands.Add(DemoCommand.Create(terminal, time));
        root.Subcommands.Add(ServeCommand.Create(terminal));
        root.Subcommands.Add(UsersCommand.Create(terminal, time));
        root.Subcommands.Add(KeysCommand.Create(terminal, time));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, Terminal terminal, CancellationToken cancellationToken = default)
    {
        var root = Build(terminal);
        var parsed = root.Parse(args);
        try
        {
            return await InvokeAsync(parsed, terminal, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Results on stdout land before the summary on stderr when both go to one terminal.
            await terminal.Raw.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<int> InvokeAsync(ParseResult parsed, Terminal terminal, CancellationToken cancellationToken)
    {
        try
        {
            var code = await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = terminal.Raw,
                Error = new SpectreErrorWriter(terminal),
                EnableDefaultExceptionHandler = false,
            }, cancellationToken).ConfigureAwait(false);
            // A parse error (unknown option, missing argument, a value an option's parser refused) is a usage error;
            // System.CommandLine prints it and the help but exits 1, and docs/cli.md promises 2 for these.
            return parsed.Errors.Count > 0 ? UsageErrorExitCode : code;
        }
        catch (UserError e)
        {
            terminal.Error(e.Message);
            return e.ExitCode;
        }
        catch (Trailmap.Events.ClickHouse.ClickHouseStoreException e)
        {
            // A ClickHouse store that cannot be reached or refused a query mid-command: the message names the server.
            terminal.Error(e.Message);
            return 1;
        }
        catch (Trailmap.Events.StoreLocationException e)
        {
            // --db names something that is not a store: a value the option refuses, so a usage error.
            terminal.Error("--db: " + e.Message);
            return UsageErrorExitCode;
        }
        catch (Trailmap.Events.StoreSettingException e)
        {
            // A setting in the environment that cannot be used: nothing was opened or changed.
            terminal.Error(e.Message);
            return UsageErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            terminal.Error("cancelled");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("TRAILMAP_DEBUG") is not { Length: > 0 })
        {
            // Users get one clear line; developers set TRAILMAP_DEBUG=1 for the stack trace.
            terminal.Error($"{e.Message} (an unexpected {e.GetType().Name}; run again with TRAILMAP_DEBUG=1 for details and report it)");
            return 70;
        }
    }

    /// <summary>Routes System.CommandLine's parse errors through the styled error console.</summary>
    private sealed class SpectreErrorWriter(Terminal terminal) : StringWriter
    {
        public override void Write(string? value) => terminal.Err.Write(value ?? "");

        public override void WriteLine(string? value) => terminal.Err.WriteLine(value ?? "");

        public override void Write(char value) => terminal.Err.Write(value.ToString());
    }
}
