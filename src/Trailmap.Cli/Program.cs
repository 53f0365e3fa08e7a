using Trailmap.Cli;

return await TrailmapCli.RunAsync(args, Terminal.FromConsole()).ConfigureAwait(false);
