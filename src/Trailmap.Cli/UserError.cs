namespace Trailmap.Cli;

/// <summary>A problem the user can fix; printed as one line without a stack trace, exit code 1 unless stated.</summary>
public sealed class UserError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
