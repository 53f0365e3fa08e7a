namespace Trailmap.Events;

/// <summary>
/// Finds where each CSV record starts (byte offset and 1-based line) with RFC 4180 quoting, so a reject is
/// reported at its real line even after quoted fields that span lines. Only run when a file has rejects.
/// </summary>
internal sealed class CsvRecordScanner
{
    private readonly List<long> offsets = [];
    private readonly List<long> lines = [];
    private readonly string file;

    private CsvRecordScanner(string file) => this.file = file;

    /// <summary>Record 0 is the header.</summary>
    public int Count => offsets.Count;

    public static CsvRecordScanner Scan(string file)
    {
        var scanner = new CsvRecordScanner(file);
        var buffer = new byte[1 << 20];
        using var stream = File.OpenRead(file);
        long position = 0;
        long line = 1;
        var inQuotes = false;
        var atRecordStart = true;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var b = buffer[i];
                if (atRecordStart && b is not (byte)'\n' and not (byte)'\r')
                {
                    // Blank lines are not records (DuckDB skips them too).
                    scanner.offsets.Add(position + i);
                    scanner.lines.Add(line);
                    atRecordStart = false;
                }

                if (b == (byte)'"')
                {
                    inQuotes = !inQuotes;
                }
                else if (b == (byte)'\n')
                {
                    line++;
                    if (!inQuotes)
                    {
                        atRecordStart = true;
                    }
                }
            }

            position += read;
        }

        return scanner;
    }

    public long LineOf(int record) => lines[record];

    /// <summary>The record that holds the given 0-based byte offset.</summary>
    public int RecordAt(long byteOffset)
    {
        var index = offsets.BinarySearch(byteOffset);
        return index >= 0 ? index : Math.Max(0, ~index - 1);
    }

    /// <summary>The record's raw text (without its line break), cut to a readable length.</summary>
    public string Raw(int record, int maxChars = 500)
    {
        var start = offsets[record];
        using var stream = File.OpenRead(file);
        var end = record + 1 < offsets.Count ? offsets[record + 1] : stream.Length;
        var length = (int)Math.Min(end - start, maxChars * 4L);
        var bytes = new byte[length];
        stream.Position = start;
        stream.ReadExactly(bytes);
        var text = System.Text.Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n');
        return text.Length > maxChars ? text[..maxChars] + "…" : text;
    }
}
