using Trailmap.Cli;

return await TrailmapCli.RunAsync(args, Terminal.FromConsole()).ConfigureAwait(false);

/// <summary>The entry point; public so the web tests' WebApplicationFactory can name the host assembly.</summary>
public partial class Program;
