using Spectre.Console;

namespace Trailmap.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, messages and progress to <see cref="Err"/>.</summary>
/// <remarks>Keeping results on stdout and everything else on stderr lets users pipe `trailmap render` safely.</remarks>
public sealed class Terminal(IAnsiConsole output, IAnsiConsole error, TextWriter rawOutput)
{
    public IAnsiConsole Out { get; } = output;

    public IAnsiConsole Err { get; } = error;

    /// <summary>Plain stdout for machine-readable output (JSON, YAML, rendered files) that must not be wrapped or styled.</summary>
    public TextWriter Raw { get; } = rawOutput;

    public static Terminal FromConsole()
    {
        var noColor = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        return new Terminal(
            Create(Console.Out, Console.IsOutputRedirected || noColor),
            Create(Console.Error, Console.IsErrorRedirected || noColor),
            Console.Out);
    }

    public static Terminal ForWriters(TextWriter output, TextWriter error) =>
        new(Create(output, plain: true), Create(error, plain: true), output);

    private static IAnsiConsole Create(TextWriter writer, bool plain)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (plain)
        {
            // Output read by programs and logs must keep one message per line; only a terminal wraps.
            console.Profile.Width = 4096;
        }

        return console;
    }

    /// <summary>Writes one diagnostic as a single unwrapped line (editors and CI parse these), coloured on a terminal.</summary>
    public void Diagnostic(Trailmap.Journeys.Validation.Diagnostic d)
    {
        var isError = d.Severity == Trailmap.Journeys.Validation.Severity.Error;
        var word = isError ? "error" : "warning";
        if (Out.Profile.Capabilities.Ansi)
        {
            word = (isError ? "\u001b[31m" : "\u001b[33m") + word + "\u001b[0m";
        }

        Raw.WriteLine($"{d.File}:{d.Location.Line}:{d.Location.Column}: {word} {d.Code}: {d.Message}");
    }

    public void Error(string message) => Err.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");

    public void Warn(string message) => Err.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    public void Info(string message) => Err.MarkupLine(Markup.Escape(message));
}
