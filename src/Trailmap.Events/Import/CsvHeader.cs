using System.Text;

namespace Trailmap.Events;

/// <summary>Reads a CSV file's header record (RFC 4180 quoting) so columns can be detected before DuckDB reads it.</summary>
internal static class CsvHeader
{
    public static List<string> Read(string file)
    {
        var bytes = new List<byte>();
        using (var stream = File.OpenRead(file))
        {
            var inQuotes = false;
            int b;
            while ((b = stream.ReadByte()) != -1)
            {
                if (b == '"')
                {
                    inQuotes = !inQuotes;
                }
                else if (b == '\n' && !inQuotes)
                {
                    break;
                }

                if (bytes.Count >= SegmentReader.MaxLineBytes)
                {
                    throw new ImportException($"{file}:1: the header line is longer than {SegmentReader.MaxLineBytes:N0} bytes.");
                }

                bytes.Add((byte)b);
            }
        }

        var span = bytes.ToArray().AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        if (!System.Text.Unicode.Utf8.IsValid(span))
        {
            throw new ImportException($"{file}:1: the header is not valid UTF-8 (the file must be UTF-8 encoded).");
        }

        var text = Encoding.UTF8.GetString(span).TrimEnd('\r');
        if (text.Trim().Length == 0)
        {
            throw new ImportException($"{file}:1: the header line is empty; a CSV file starts with a row of column names.");
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().Trim());
        var duplicate = fields.GroupBy(f => f, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ImportException($"{file}:1: the column \"{duplicate.Key}\" appears more than once in the header.");
        }

        if (fields.Any(f => f.Length == 0))
        {
            throw new ImportException($"{file}:1: the header has an empty column name. Columns found: {string.Join(", ", fields)}.");
        }

        return fields;
    }
}
