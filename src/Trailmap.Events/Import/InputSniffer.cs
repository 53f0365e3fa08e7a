namespace Trailmap.Events;

/// <summary>
/// Decides a file's format from its extension (or the requested format) and checks the first bytes agree,
/// so a PNG or a JSON file named .csv fails with a clear message instead of importing garbage. A format the caller
/// names explicitly is trusted between CSV and JSONL: the rows then say, one by one, what is wrong with them.
/// </summary>
internal static class InputSniffer
{
    private static ReadOnlySpan<byte> ParquetMagic => "PAR1"u8;

    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47];

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> Gzip => [0x1F, 0x8B];

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    public static ImportFormat Resolve(string file, ImportFormat requested)
    {
        if (!File.Exists(file))
        {
            throw new ImportException($"{file}: file not found.");
        }

        var head = new byte[8192];
        int read;
        long length;
        using (var stream = File.OpenRead(file))
        {
            length = stream.Length;
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (length == 0)
        {
            throw new ImportException($"{file}: the file is empty.");
        }

        var bytes = head.AsSpan(0, read);
        var content = Guess(bytes);
        var expected = requested != ImportFormat.Auto ? requested : FromExtension(file) ?? content;
        if (content == expected)
        {
            return expected;
        }

        // An explicit --format wins over a guess between the two text formats (the guess reads only the first
        // line, and a mangled first line then refused the whole file); binary content is still refused.
        if (requested is ImportFormat.Csv or ImportFormat.Jsonl && content is ImportFormat.Csv or ImportFormat.Jsonl)
        {
            return requested;
        }

        var what = content switch
        {
            ImportFormat.Parquet => "a Parquet file",
            ImportFormat.Jsonl => "JSON",
            ImportFormat.Csv => "text (CSV)",
            _ => DescribeBinary(bytes),
        };
        throw new ImportException(
            $"{file}: expected {Name(expected)} but the content looks like {what}. "
            + "Rename the file or pass --format csv|jsonl|parquet to match its content.");
    }

    public static string Name(ImportFormat format) => format switch
    {
        ImportFormat.Csv => "csv",
        ImportFormat.Jsonl => "jsonl",
        ImportFormat.Parquet => "parquet",
        _ => "auto",
    };

    private static ImportFormat? FromExtension(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".csv" or ".txt" => ImportFormat.Csv,
        ".jsonl" or ".ndjson" or ".json" => ImportFormat.Jsonl,
        ".parquet" or ".pq" => ImportFormat.Parquet,
        _ => null,
    };

    /// <summary>Auto means "binary, not something we read".</summary>
    private static ImportFormat Guess(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(ParquetMagic))
        {
            return ImportFormat.Parquet;
        }

        if (head.Contains((byte)0) || head.StartsWith(Png) || head.StartsWith(Jpeg) || head.StartsWith("PK\x03\x04"u8)
            || head.StartsWith(Gzip) || head.StartsWith("%PDF"u8))
        {
            return ImportFormat.Auto;
        }

        var text = head;
        if (text.StartsWith(Bom))
        {
            text = text[3..];
        }

        foreach (var b in text)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[' ? ImportFormat.Jsonl : ImportFormat.Csv;
        }

        return ImportFormat.Csv;
    }

    private static string DescribeBinary(ReadOnlySpan<byte> head) =>
        head.StartsWith(Png) ? "a PNG image"
        : head.StartsWith(Jpeg) ? "a JPEG image"
        : head.StartsWith("PK\x03\x04"u8) ? "a ZIP archive (unzip it first)"
        : head.StartsWith(Gzip) ? "a gzip archive (gunzip it first)"
        : head.StartsWith("%PDF"u8) ? "a PDF document"
        : "binary data";
}
