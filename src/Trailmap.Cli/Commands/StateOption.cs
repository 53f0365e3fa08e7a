using System.CommandLine;
using Trailmap.Delivery;

namespace Trailmap.Cli.Commands;

/// <summary>
/// The <c>--state</c> option of <c>serve</c> and <c>automate</c>: the PostgreSQL database that keeps the workspace, the
/// delivery outbox and the running rules' state instead of the <c>--db</c> file, so several nodes share it (docs/postgres-state.md). Parsed and checked here,
/// once; a malformed address is a usage error (exit 2) that says what to write.
/// </summary>
public static class StateOption
{
    public static Option<PostgresAddress?> Create() =>
        new("--state")
        {
            Description = "A PostgreSQL database for the workspace (members, sessions, API keys, journeys, share links), the delivery outbox and the rules' state, shared by every node (one runs each rule pass): postgres://USER@HOST:PORT/DATABASE, optionally ?schema=NAME; the password from PGPASSWORD (default: all stay in the --db file, or in the --workspace file when --db is clickhouse://). See docs/postgres-state.md",
            HelpName = "postgres://USER@HOST:PORT/DB",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                try
                {
                    return PostgresAddress.Parse(text);
                }
                catch (FormatException e)
                {
                    result.AddError("--state: " + e.Message);
                    return null;
                }
            },
        };
}
