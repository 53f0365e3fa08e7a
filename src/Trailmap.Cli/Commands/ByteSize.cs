using System.Globalization;

namespace Trailmap.Cli.Commands;

/// <summary>
/// Sizes as people write them on a command line: <c>500MB</c>, <c>2GB</c>, <c>1.5GB</c>, <c>64KB</c> or a plain
/// number of bytes. Units are binary (1 KB = 1,024 bytes), as the server's limits are, and case-insensitive;
/// <c>K</c>, <c>M</c>, <c>G</c>, <c>T</c> and <c>KiB</c>-style spellings mean the same.
/// </summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("TIB", 1L << 40), ("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10),
        ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10),
        ("T", 1L << 40), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10),
        ("B", 1),
    ];

    /// <summary>The number of bytes, or null with <paramref name="error"/> saying what is wrong and what works.</summary>
    public static long? TryParse(string? text, out string? error)
    {
        error = null;
        var value = (text ?? "").Trim().ToUpperInvariant();
        var factor = 1L;
        foreach (var (suffix, f) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                value = value[..^suffix.Length].TrimEnd();
                factor = f;
                break;
            }
        }

        if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            error = $"'{text}' is not a size; write a positive number with an optional unit, such as 500MB, 2GB or 1.5GB (1 KB = 1,024 bytes)";
            return null;
        }

        var bytes = number * factor;
        if (bytes > long.MaxValue / 2)
        {
            error = $"'{text}' is too large; sizes up to 1,000,000 TB are accepted";
            return null;
        }

        return (long)Math.Floor(bytes);
    }
}
