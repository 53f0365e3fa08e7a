namespace Trailmap.Events;

/// <summary>The input formats the importer reads; <see cref="Auto"/> decides by extension, then checks the content.</summary>
public enum ImportFormat
{
    Auto,
    Csv,
    Jsonl,
    Parquet,
}

/// <summary>How to read the input files.</summary>
public sealed record ImportOptions
{
    public ImportFormat Format { get; init; } = ImportFormat.Auto;

    /// <summary>
    /// Explicit column choices, keyed by role (customer_id, event, timestamp, message_id), as from
    /// <c>--map customer_id=COL,event=COL</c>. Roles not named are detected.
    /// </summary>
    public IReadOnlyDictionary<string, string> Map { get; init; } = new Dictionary<string, string>();

    /// <summary>One event name for every row (a purchase history has no event column); from <c>--event NAME</c>.</summary>
    public string? ConstantEvent { get; init; }

    /// <summary>A CSV of customer traits (a customer id column plus one column per trait) loaded with the events.</summary>
    public string? TraitsFile { get; init; }

    /// <summary>
    /// A column (or event property) naming the account of each row's customer, from <c>--group COLUMN</c>: every
    /// value makes the customer a member of that account (docs/accounts.md). It stays an event property as well.
    /// </summary>
    public string? GroupColumn { get; init; }

    /// <summary>Where to write rejected rows; by default <c>FILE.rejects.csv</c> next to each input.</summary>
    public string? RejectsPath { get; init; }

    /// <summary>
    /// Bring the store's event snapshot (see EventSnapshot) up to date after an import through
    /// <see cref="IEventStore.Import"/> (the default). No import rewrites the rows already stored. The ingestion pump
    /// turns it off: it imports a small spool segment every second or so, where a snapshot check per segment would cost
    /// more than the segment; loads merge those rows into the snapshot's order, and rebuild it once they exceed a
    /// quarter of it.
    /// </summary>
    public bool RefreshSnapshot { get; init; } = true;

    /// <summary>Parses <c>customer_id=COL,event=COL</c> into a <see cref="Map"/>.</summary>
    public static IReadOnlyDictionary<string, string> ParseMap(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == part.Length - 1)
            {
                throw new ImportException($"--map expects ROLE=COLUMN pairs separated by commas, got \"{part}\".");
            }

            map[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        return map;
    }
}

/// <summary>One row that was not imported, with the 1-based line of the input file where its record starts.</summary>
public sealed record RejectedRow(string File, long Line, string Reason);

/// <summary>What an import did: rows read, events added, duplicates skipped, rows rejected (and why).</summary>
public sealed record ImportSummary(
    long Rows,
    long Imported,
    long Duplicates,
    long Rejected,
    IReadOnlyList<RejectedRow> Rejects,
    long TraitsUpdated,
    IReadOnlyList<string> RejectsFiles,
    IReadOnlyList<string> Warnings);

/// <summary>A progress report: rows read so far in the current file and the rate since the import began.</summary>
public sealed record ImportProgress(string File, int FileIndex, int FileCount, long Rows, double RowsPerSecond, TimeSpan Elapsed);

/// <summary>An input problem that stops the whole import (nothing is written); the message says where and how to fix it.</summary>
public sealed class ImportException : Exception
{
    public ImportException(string message)
        : base(message)
    {
    }

    public ImportException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ImportException()
    {
    }
}
