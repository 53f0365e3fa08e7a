using System.CommandLine;
using Trailmap.Events;

namespace Trailmap.Cli.Commands;

/// <summary>
/// The <c>--db</c> option of every command that reads or writes a store. The value is checked by
/// <see cref="StoreLocation"/> when the store opens; a path that holds something else (a CSV, a journey file) is a
/// usage error (exit 2) that names the likely mistake.
/// </summary>
public static class StoreOption
{
    public static Option<string> Create(string description) =>
        new("--db") { Description = description, DefaultValueFactory = _ => EventStore.DefaultPath };
}
