using DuckDB.NET.Data;
using Trailmap.Events;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.State;

namespace Trailmap.Cli.Commands;

/// <summary>
/// The workspace tables of a store file, opened the way <c>trailmap serve</c> opens them (events store first, so a
/// new file gets the events schema too), for the commands that manage members and keys without the web pages.
/// </summary>
internal sealed class WorkspaceFile : IDisposable
{
    private readonly EventStore events;
    private readonly WorkspaceDb db;

    private WorkspaceFile(EventStore events, WorkspaceDb db, TimeProvider time)
    {
        this.events = events;
        this.db = db;
        Users = new UserStore(db, time, new SessionStore(db, time));
        Keys = new ApiKeyStore(db, time);
    }

    public UserStore Users { get; }

    public ApiKeyStore Keys { get; }

    /// <summary>Opens the file; <paramref name="create"/> says whether a missing file is made (adding) or an error (listing).</summary>
    public static WorkspaceFile Open(string path, TimeProvider time, bool create)
    {
        if (Trailmap.Events.ClickHouse.ClickHouseAddress.IsClickHouse(path))
        {
            throw new UserError($"the workspace is a DuckDB file, not a ClickHouse store: pass the file trailmap serve names with --workspace (e.g. --workspace workspace.duckdb)", 2);
        }

        if (!create && path != ":memory:" && !File.Exists(path))
        {
            throw new UserError($"no workspace store at '{path}'; pass the file 'trailmap serve' uses with --db, or add a member first with 'trailmap users add EMAIL --role admin --db {path}'");
        }

        EventStore events;
        try
        {
            events = EventStore.Open(path);
        }
        catch (Exception e) when (e is DuckDBException or IOException)
        {
            // The usual cause: trailmap serve holds the file, and DuckDB lets one process write it at a time.
            var hint = e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase)
                ? ". Another process has it open: if trailmap serve runs on it, stop it first, or manage members and keys on its Settings pages"
                : "";
            throw new UserError($"cannot open the workspace store '{path}': {e.Message.Split('\n')[0]}{hint}");
        }

        try
        {
            return new WorkspaceFile(events, new WorkspaceDb(path), time);
        }
        catch (DuckDBException e)
        {
            events.Dispose();
            throw new UserError($"cannot open the workspace tables in '{path}': {e.Message.Split('\n')[0]}");
        }
    }

    public void Dispose()
    {
        db.Dispose();
        events.Dispose();
    }
}
