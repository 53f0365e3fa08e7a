namespace Trailmap.Cli.Tests;

/// <summary>Runs the real command tree in-process and captures what a user would see on stdout and stderr.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Err)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await TrailmapCli.RunAsync(args, Terminal.ForWriters(stdout, stderr));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}
