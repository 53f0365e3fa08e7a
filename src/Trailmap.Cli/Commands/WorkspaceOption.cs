using System.CommandLine;
using Trailmap.Events.ClickHouse;

namespace Trailmap.Cli.Commands;

/// <summary>
/// The <c>--workspace FILE</c> option of <c>serve</c> and <c>automate</c>: the DuckDB file that keeps the workspace
/// (members, keys, journeys; without <c>--state</c> also the outbox and the rules' state) when <c>--db</c> puts the
/// events on ClickHouse. With a DuckDB <c>--db</c> the workspace lives in that file, as it always has.
/// </summary>
public static class WorkspaceOption
{
    public static Option<string?> Create() =>
        new("--workspace")
        {
            Description = "The DuckDB file for the workspace (members, keys, journeys; the outbox and the rules' state too without --state) when --db is clickhouse://, where it is required; each node has its own, created if missing. Not used with a DuckDB --db, whose file holds the workspace. See docs/clickhouse.md",
            HelpName = "FILE",
        };

    /// <summary>
    /// The workspace file option of <c>users</c> and <c>keys</c>: <c>--db</c> as ever, or <c>--workspace</c>, the name
    /// <c>serve</c> gives it when the events are on ClickHouse.
    /// </summary>
    public static Option<string> StoreFile()
    {
        var db = StoreOption.Create("The workspace store file (the one trailmap serve uses: its --db, or its --workspace when the events are on ClickHouse)");
        db.Aliases.Add("--workspace");
        return db;
    }

    /// <summary>
    /// The workspace file and, when the events live elsewhere, their store: (<c>--db</c>, null) for a DuckDB
    /// <c>--db</c>; (<c>--workspace</c>, <c>--db</c>) for a ClickHouse one. Combinations that cannot work are usage errors (exit 2).
    /// </summary>
    public static (string Workspace, string? Events) Resolve(string db, string? workspace)
    {
        if (workspace is not null && ClickHouseAddress.IsClickHouse(workspace))
        {
            throw new UserError($"--workspace '{workspace}' is a ClickHouse address; the workspace is a DuckDB file (e.g. --workspace workspace.duckdb), and the events go to ClickHouse with --db", 2);
        }

        if (!ClickHouseAddress.IsClickHouse(db))
        {
            if (workspace is not null)
            {
                throw new UserError($"--workspace is for a clickhouse:// --db; the DuckDB file '{db}' holds the workspace itself. Drop --workspace, or put the events on ClickHouse with --db clickhouse://HOST:PORT/DATABASE", 2);
            }

            return (db, null);
        }

        if (workspace is null)
        {
            throw new UserError($"--db {Redacted(db)} keeps only the events; name the DuckDB file for the workspace (members, keys, journeys) with --workspace FILE, e.g. --workspace workspace.duckdb", 2);
        }

        try
        {
            ClickHouseAddress.Parse(db);
        }
        catch (Trailmap.Events.StoreLocationException e)
        {
            throw new UserError("--db: " + e.Message, 2);
        }

        return (workspace, db);
    }

    private static string Redacted(string db)
    {
        try
        {
            return ClickHouseAddress.Parse(db).ToString();
        }
        catch (Trailmap.Events.StoreLocationException)
        {
            return "clickhouse://...";
        }
    }
}
