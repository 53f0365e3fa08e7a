namespace Trailmap.Drafting.Draft;

/// <summary>
/// Checks survey answers before they go to a model: RFC 4180 CSV with a header row and one answer per record, every
/// record with as many fields as the header. The model reads the text as it is; the check is there so a file that
/// is not what it claims (a spreadsheet saved with semicolons, a stray quote that swallows the rest of the file)
/// fails with its row and line instead of becoming a confused draft.
/// </summary>
public static class SurveyCsv
{
    /// <summary>Returns the number of answers (records after the header); throws <see cref="DraftException"/> with the row, line and column of the first problem.</summary>
    public static int Check(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<(int Line, int Fields)>();
        var (line, column) = (1, 1);
        var (fields, recordLine) = (0, 0);
        var (inQuotes, quoteLine, quoteColumn) = (false, 0, 0);
        var fieldStart = true;
        var afterQuote = false;
        var empty = true;
        for (var i = 0; i < text.Length; i++, column++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        i++;
                        column++;
                    }
                    else
                    {
                        inQuotes = false;
                        afterQuote = true;
                    }
                }
                else if (c == '\n')
                {
                    (line, column) = (line + 1, 0);
                }

                continue;
            }

            if (c is '\r' or '\n')
            {
                if (!empty)
                {
                    records.Add((recordLine, fields + 1));
                }

                (fields, fieldStart, afterQuote, empty) = (0, true, false, true);
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                (line, column) = (line + 1, 0);
                continue;
            }

            if (empty)
            {
                (empty, recordLine) = (false, line);
            }

            if (c == ',')
            {
                (fields, fieldStart, afterQuote) = (fields + 1, true, false);
                continue;
            }

            if (afterQuote)
            {
                throw Problem(name, records.Count, line, column, $"'{c}' follows a closing quote; a quoted field ends at its quote, so put the whole field in quotes and double any quote inside it (\"\")");
            }

            if (c == '"')
            {
                if (!fieldStart)
                {
                    throw Problem(name, records.Count, line, column, "a quote inside an unquoted field; put the whole field in quotes and double the quote (\"\")");
                }

                (inQuotes, quoteLine, quoteColumn) = (true, line, column);
            }

            fieldStart = false;
        }

        if (inQuotes)
        {
            throw Problem(name, records.Count, quoteLine, quoteColumn, "a quoted field opens here and never closes; close it with a quote (and double any quote inside it)");
        }

        if (!empty)
        {
            records.Add((recordLine, fields + 1));
        }

        if (records.Count == 0)
        {
            throw new DraftException($"{name}: the survey is empty; give a header row and one row per answer (CSV)");
        }

        if (records.Count == 1)
        {
            throw new DraftException($"{name}:{records[0].Line}:1: the survey has a header row but no answers; add one row per answer below it");
        }

        var header = records[0].Fields;
        for (var r = 1; r < records.Count; r++)
        {
            if (records[r].Fields != header)
            {
                throw Problem(name, r, records[r].Line, 1,
                    $"{records[r].Fields} fields where the header has {header}; quote a field that holds a comma, and save the file with commas as separators");
            }
        }

        return records.Count - 1;
    }

    /// <summary>Row 0 is the header; answers count from 1, as a spreadsheet shows them under it.</summary>
    private static DraftException Problem(string name, int row, int line, int column, string what) =>
        new($"{name}:{line}:{column}: {(row == 0 ? "header row" : $"answer row {row}")}: {what}");
}
