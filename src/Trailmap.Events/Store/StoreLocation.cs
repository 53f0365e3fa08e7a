using System.Text;

namespace Trailmap.Events;

/// <summary>
/// Where a store lives, checked before any engine opens it: ":memory:", a path that does not exist yet (a new
/// store is created there), or an existing DuckDB file. DuckDB opens some files that are not databases (a small
/// CSV or a Parquet file named as the store) without an error and then keeps nothing, so every command that takes
/// <c>--db</c> and the web host parse it here, and anything else is refused with the likely mistake named.
/// </summary>
public sealed record StoreLocation
{
    /// <summary>A throwaway store that lives as long as its connection.</summary>
    public const string InMemory = ":memory:";

    // A DuckDB file starts with an 8-byte checksum and then the magic bytes "DUCK" (DuckDB's storage header).
    private static readonly byte[] DuckDbMagic = "DUCK"u8.ToArray();

    private StoreLocation(string path, bool exists)
    {
        Path = path;
        Exists = exists;
    }

    /// <summary>The file as the user named it, or ":memory:".</summary>
    public string Path { get; }

    /// <summary>Whether the file was there when it was checked (a new store is created otherwise).</summary>
    public bool Exists { get; }

    public bool IsInMemory => Path == InMemory;

    /// <summary>The location <paramref name="text"/> names, or a <see cref="StoreLocationException"/> saying what it is instead.</summary>
    public static StoreLocation Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new StoreLocationException($"the store path is empty; name the store file, such as {EventStore.DefaultPath}");
        }

        if (text.StartsWith("clickhouse://", StringComparison.OrdinalIgnoreCase))
        {
            // Reached only by what opens DuckDB directly (EventEngines opens ClickHouse addresses before this).
            throw new StoreLocationException(
                $"'{text}' is a ClickHouse store, and this command works on a DuckDB store file only; see docs/clickhouse.md for the commands that take a ClickHouse --db");
        }

        if (text == InMemory)
        {
            return new StoreLocation(text, exists: false);
        }

        if (Directory.Exists(text))
        {
            throw new StoreLocationException($"'{text}' is a folder, not a Trailmap store; name a file in it, such as {System.IO.Path.Combine(text, EventStore.DefaultPath)}");
        }

        if (!File.Exists(text))
        {
            return new StoreLocation(text, exists: false);
        }

        var head = ReadHead(text);
        if (head.Length >= 12 && head.AsSpan(8, 4).SequenceEqual(DuckDbMagic))
        {
            return new StoreLocation(text, exists: true);
        }

        throw new StoreLocationException(NotAStore(text, head));
    }

    private static byte[] ReadHead(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[4096];
            var length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..length];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreLocationException($"cannot read the store '{path}': {e.Message}", e);
        }
    }

    /// <summary>What the file looks like, and what the user probably meant to do with it.</summary>
    private static string NotAStore(string path, byte[] head)
    {
        var name = System.IO.Path.GetFileName(path);
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        var tail = $" A store is a DuckDB file that Trailmap made (such as {EventStore.DefaultPath}); name a new path and Trailmap creates one. Nothing was changed.";
        string DataFile(string kind) =>
            $"'{path}' looks like {kind}, not a Trailmap store: did you mean `trailmap import {name}` (its events into the store named by --db)?" + tail;

        if (head.Length == 0)
        {
            return $"'{path}' is an empty file, not a Trailmap store; delete it or name another path.{tail}";
        }

        if (head.AsSpan().StartsWith("PAR1"u8) || extension == ".parquet")
        {
            return DataFile("a Parquet file");
        }

        if (head.AsSpan().StartsWith("SQLite format 3\0"u8))
        {
            return $"'{path}' is a SQLite database, not a Trailmap store.{tail}";
        }

        if (head.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            return $"'{path}' is a gzip file, not a Trailmap store.{tail}";
        }

        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (extension is ".yaml" or ".yml" || text.StartsWith("journey:", StringComparison.Ordinal) || text.StartsWith("# yaml-language-server", StringComparison.Ordinal))
        {
            return $"'{path}' looks like a journey file (YAML), not a Trailmap store: journeys are passed as a file argument (e.g. `trailmap analyze {name}`), and --db names the store.{tail}";
        }

        if (extension is ".jsonl" or ".ndjson" or ".json" || text.StartsWith('{') || text.StartsWith('['))
        {
            return DataFile("a JSON events file");
        }

        if (extension is ".csv" or ".tsv" or ".txt" || text.Contains(',', StringComparison.Ordinal))
        {
            return DataFile("a CSV file");
        }

        return $"'{path}' exists but is not a Trailmap store (not a DuckDB file).{tail}";
    }
}

/// <summary>A store path that names something other than a store; the message says what and what to do.</summary>
public sealed class StoreLocationException : Exception
{
    public StoreLocationException()
    {
    }

    public StoreLocationException(string message)
        : base(message)
    {
    }

    public StoreLocationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
