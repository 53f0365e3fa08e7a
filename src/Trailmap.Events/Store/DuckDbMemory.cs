using System.Text.RegularExpressions;

namespace Trailmap.Events;

/// <summary>
/// The memory DuckDB may hold for a store's queries before it spills to its temporary directory (beside the store,
/// <c>STORE.tmp</c>). DuckDB's own default is 80% of the machine's memory, which an import of 100M rows stages in full:
/// with a limit, the staging and the dedupe spill to disk instead, so an import's peak stays bounded whatever the
/// file's size. <c>TRAILMAP_DUCKDB_MEMORY</c> overrides it (a DuckDB size such as <c>4GB</c> or <c>512MB</c>).
/// </summary>
public static partial class DuckDbMemory
{
    /// <summary>The default limit: enough for a 10M-row import to run without spilling on a laptop.</summary>
    public const string DefaultLimit = "3GB";

    /// <summary>The variable that overrides <see cref="DefaultLimit"/>.</summary>
    public const string Variable = "TRAILMAP_DUCKDB_MEMORY";

    /// <summary>The limit in effect: <see cref="Variable"/> when set, otherwise <see cref="DefaultLimit"/>.</summary>
    /// <exception cref="StoreSettingException">The variable is set to something that is not a size.</exception>
    public static string Limit => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text
        ? Parse(text) ?? throw new StoreSettingException($"{Variable} is '{text}', which is not a memory size; set it to a size such as 4GB or 512MB, or unset it for the default {DefaultLimit}")
        : DefaultLimit;

    /// <summary>A DuckDB size (<c>NUMBER[.NUMBER] UNIT</c>, units KB to TB or KiB to TiB), or null when <paramref name="text"/> is not one.</summary>
    public static string? Parse(string? text) =>
        text is not null && Size().IsMatch(text.Trim()) ? text.Trim() : null;

    [GeneratedRegex(@"^[0-9]{1,9}(\.[0-9]{1,3})?\s?([KMGT]i?B)$", RegexOptions.IgnoreCase)]
    private static partial Regex Size();
}

/// <summary>A setting of the store's engine (an environment variable) has a value it cannot use; the message says which and what to set.</summary>
public sealed class StoreSettingException(string message) : Exception(message);
