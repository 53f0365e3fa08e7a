using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trailmap.Cli.Commands;
using Trailmap.Events;
using Trailmap.Events.Analytics;
using Trailmap.Events.ClickHouse;

namespace Trailmap.Cli.Measure;

/// <summary>
/// Where a command reads events: the store (<c>--db</c>, default ./trailmap.duckdb) or, for a quick question, an
/// events file read straight into a throwaway in-memory store (<c>--events FILE</c>).
/// </summary>
public sealed class EventSource
{
    public Option<string> Db { get; } = StoreOption.Create("The event store: a DuckDB file or clickhouse://HOST:PORT/DATABASE (see docs/clickhouse.md)");

    public Option<string?> Events { get; } = new("--events") { Description = "Read this events file (CSV, JSONL or Parquet) directly instead of the store; nothing is saved" };

    public Option<string?> From { get; } = new("--from") { Description = "Only events at or after this time (ISO 8601 or a date)" };

    public Option<string?> To { get; } = new("--to") { Description = "Only events before this time (ISO 8601 or a date)" };

    public Option<string> Unit { get; } = CreateUnit();

    private static Option<string> CreateUnit()
    {
        var unit = new Option<string>("--unit") { Description = "Count people, or accounts (every member's events as one; see docs/accounts.md)", DefaultValueFactory = _ => "people" };
        unit.AcceptOnlyFromAmong("people", "accounts");
        return unit;
    }

    // Without --from/--to (paths use those names for the anchor), every event is read.
    private bool ranged = true;

    /// <summary>Adds the options; <paramref name="withUnit"/> for the commands whose counts may be of accounts.</summary>
    public void AddTo(Command command, bool withRange = true, bool withUnit = false)
    {
        command.Options.Add(Db);
        command.Options.Add(Events);
        if (withUnit)
        {
            command.Options.Add(Unit);
        }

        ranged = withRange;
        if (withRange)
        {
            command.Options.Add(From);
            command.Options.Add(To);
        }
    }

    /// <summary>
    /// Loads only what a one-shot query reads (of people or accounts: <paramref name="unit"/>, else --unit): the <paramref name="events"/> it names (null: every event), the
    /// <paramref name="properties"/> its filters use, the <paramref name="traits"/> a breakdown may use (none: no
    /// traits are read at all; null: every trait), and no arrival sequences. <paramref name="range"/> bounds the
    /// events for a command whose --from names something else (paths' --since and --until).
    /// </summary>
    public EventLog Load(
        ParseResult parse,
        Terminal terminal,
        IReadOnlyCollection<string> properties,
        IReadOnlyCollection<string>? events,
        IReadOnlyCollection<string>? traits,
        CancellationToken ct,
        AnalysisUnit? unit = null,
        (DateTimeOffset? From, DateTimeOffset? To)? range = null)
    {
        var query = new EventLogQuery
        {
            Properties = properties,
            Events = events,
            IncludeTraits = traits is null || traits.Count > 0,
            TraitNames = traits,
            IncludeSequences = false,
            From = range is { } r ? r.From : ranged ? ParseTime(parse.GetValue(From), "--from") : null,
            To = range is { } s ? s.To : ranged ? ParseTime(parse.GetValue(To), "--to") : null,
            Unit = unit ?? (parse.GetValue(Unit) == "accounts" ? AnalysisUnit.Accounts : AnalysisUnit.People),
        };
        using var store = OpenSource(parse, terminal, ct);
        return terminal.Err.Status().Start("loading events", _ => store.Load(query));
    }

    /// <summary>
    /// Answers <paramref name="question"/> where the events are: inside ClickHouse for a clickhouse:// store, in memory
    /// otherwise (see <see cref="EventEngines.Analytics"/>).
    /// </summary>
    /// <remarks>
    /// <paramref name="perCustomer"/>: the answer must name customers (a step's people), which SQL aggregates do not,
    /// so it is answered in memory on any store.
    /// </remarks>
    public T Ask<T>(ParseResult parse, Terminal terminal, Func<IAnalytics, T> question, CancellationToken ct, bool perCustomer = false)
    {
        ArgumentNullException.ThrowIfNull(question);
        using var store = OpenSource(parse, terminal, ct);
        // Accounts are grouped while loading, so they are always answered in memory.
        var accounts = parse.GetValue(Unit) == "accounts";
        var analytics = accounts || perCustomer
            ? new InMemoryAnalytics(store, accounts ? AnalysisUnit.Accounts : AnalysisUnit.People)
            : EventEngines.Analytics(store);
        return terminal.Err.Status().Start("computing", _ => question(analytics));
    }

    /// <summary>The store <c>--db</c> names, or a scratch in-memory store holding the <c>--events</c> file.</summary>
    private IEventStore OpenSource(ParseResult parse, Terminal terminal, CancellationToken ct)
    {
        if (parse.GetValue(Events) is { } file)
        {
            var scratch = EventStore.Open(":memory:");
            ImportCommand.RunImport(scratch, [file], new ImportOptions(), terminal, ct);
            return scratch;
        }

        return OpenExistingAny(parse.GetValue(Db)!);
    }

    /// <summary>An existing store of either engine: a DuckDB file that must exist, or a ClickHouse address.</summary>
    public static IEventStore OpenExistingAny(string path) =>
        ClickHouseAddress.IsClickHouse(path) ? OpenAny(path) : OpenExisting(path);

    /// <summary>The store <paramref name="path"/> names, of either engine, created if missing.</summary>
    public static IEventStore OpenAny(string path)
    {
        if (!ClickHouseAddress.IsClickHouse(path))
        {
            return Open(path);
        }

        try
        {
            return EventEngines.Open(path);
        }
        catch (ClickHouseStoreException e)
        {
            throw new UserError($"cannot open the event store '{path}': {e.Message}");
        }
    }

    public static EventStore OpenExisting(string path)
    {
        if (path != ":memory:" && !File.Exists(path))
        {
            throw new UserError($"no event store at '{path}'; import events first with 'trailmap import FILE --db {path}', or ask about a file directly with --events FILE");
        }

        return Open(path);
    }

    public static EventStore Open(string path)
    {
        try
        {
            return EventStore.Open(path);
        }
        catch (Exception e) when (e is DuckDB.NET.Data.DuckDBException or IOException)
        {
            throw new UserError($"cannot open the event store '{path}': {e.Message.Split('\n')[0]}");
        }
    }

    public static DateTimeOffset? ParseTime(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }

        throw new UserError($"{option} '{text}' is not a time; write e.g. 2026-01-31 or 2026-01-31T12:00:00Z");
    }
}
