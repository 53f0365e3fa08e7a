using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Trailmap.Cli.Commands;

/// <summary>
/// <c>--log-level</c> on <c>serve</c> and <c>automate</c>: the least severe log messages written. Default
/// information: crash recovery, passes that decided something, delivery summaries and dead letters.
/// </summary>
public static class LogLevelOption
{
    public const LogLevel Default = LogLevel.Information;

    private static readonly Dictionary<string, LogLevel> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trace"] = LogLevel.Trace,
        ["debug"] = LogLevel.Debug,
        ["information"] = LogLevel.Information,
        ["info"] = LogLevel.Information,
        ["warning"] = LogLevel.Warning,
        ["warn"] = LogLevel.Warning,
        ["error"] = LogLevel.Error,
        ["critical"] = LogLevel.Critical,
        ["none"] = LogLevel.None,
    };

    public static Option<LogLevel> Create() => new("--log-level")
    {
        Description = "Least severe log messages written: trace, debug, information (the default: crash recovery, rule passes that decided something, delivery summaries, dead letters), warning, error, critical or none",
        HelpName = "LEVEL",
        DefaultValueFactory = _ => Default,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Names.TryGetValue(text, out var level))
            {
                return level;
            }

            result.AddError($"--log-level '{text}' is not one of trace, debug, information, warning, error, critical, none");
            return Default;
        },
    };
}

/// <summary>Log messages of <c>automate</c>, on the terminal's message stream beside its other messages.</summary>
internal sealed class TerminalLogger(Terminal terminal, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (logLevel >= LogLevel.Error)
        {
            terminal.Error(message);
        }
        else if (logLevel == LogLevel.Warning)
        {
            terminal.Warn(message);
        }
        else
        {
            terminal.Info(message);
        }
    }
}
