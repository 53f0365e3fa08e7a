using System.Globalization;
using System.Text.Json;
using Trailmap.Oracle.Tests.Oracle;
using Trailmap.Testing;
using Xunit;

namespace Trailmap.Oracle.Tests.Data;

/// <summary>
/// Reads the project's shared real-world data (../shared/data, never copied into the repository) as oracle events,
/// with a deliberately plain CSV reader of its own: neither file quotes or escapes a field (checked by
/// <see cref="SplitPlain"/>, which refuses quotes), so splitting on commas is exact.
/// </summary>
public static class OracleData
{
    /// <summary>REES46 store events, 2019-10-01 00:00-02:50 UTC; 17,434 rows.</summary>
    public static string Rees46Path => Path.Combine(RepoPaths.SharedData, "rees46_oct2019_sample", "2019-Oct_first17k.csv");

    /// <summary>CDNOW purchases of 23,570 customers who first bought in Q1 1997.</summary>
    public static string CdnowPath => Path.Combine(RepoPaths.SharedData, "cdnow", "cdnow_master.csv");

    /// <summary>Skips the calling test, saying what is missing, when <paramref name="path"/> does not exist.</summary>
    public static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Skip($"real data not found at {path} (the shared data lives beside the checkout, in ../shared/data)");
        }
    }

    /// <summary>
    /// REES46 rows as events: customer = user_id, event = event_type (view, cart, purchase), ts = event_time, seq =
    /// row number (file order breaks ties), props = product_id, category_code, brand, price, user_session as text.
    /// </summary>
    public static IEnumerable<OracleEvent> ReadRees46(string? path = null)
    {
        long seq = 0;
        foreach (var fields in ReadRows(path ?? Rees46Path, "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session"))
        {
            seq++;
            var ts = DateTime.ParseExact(fields[0], "yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var props = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["product_id"] = fields[2],
                ["category_code"] = fields[4],
                ["brand"] = fields[5],
                ["price"] = fields[6],
                ["user_session"] = fields[8],
            });
            yield return new OracleEvent(fields[7], fields[1], ts, seq, props);
        }
    }

    /// <summary>CDNOW rows as <c>purchase</c> events at midnight UTC of their date; props = cds, dollars as text.</summary>
    public static IEnumerable<OracleEvent> ReadCdnow(string? path = null)
    {
        long seq = 0;
        foreach (var fields in ReadRows(path ?? CdnowPath, "customer_id,date,number_of_cds,dollar_value"))
        {
            seq++;
            var ts = DateTime.ParseExact(fields[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var props = JsonSerializer.Serialize(new Dictionary<string, string> { ["cds"] = fields[2], ["dollars"] = fields[3] });
            yield return new OracleEvent(fields[0], "purchase", ts, seq, props);
        }
    }

    /// <summary>Loads REES46 into the fixture's <c>events</c> (skipping when the data is absent).</summary>
    public static Task<long> LoadRees46Async(PostgresFixture database, CancellationToken cancellationToken = default)
    {
        RequireFile(Rees46Path);
        return database.LoadEventsAsync(ReadRees46(), cancellationToken);
    }

    /// <summary>Loads CDNOW into the fixture's <c>events</c> (skipping when the data is absent).</summary>
    public static Task<long> LoadCdnowAsync(PostgresFixture database, CancellationToken cancellationToken = default)
    {
        RequireFile(CdnowPath);
        return database.LoadEventsAsync(ReadCdnow(), cancellationToken);
    }

    private static IEnumerable<string[]> ReadRows(string path, string expectedHeader)
    {
        RequireFile(path);
        using var reader = new StreamReader(path);
        var header = reader.ReadLine();
        if (header != expectedHeader)
        {
            throw new InvalidDataException($"{path}: header is '{header}', expected '{expectedHeader}'");
        }

        var columns = expectedHeader.Split(',').Length;
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            yield return SplitPlain(line, columns, path, lineNumber);
        }
    }

    /// <summary>Splits a line with no quoting; a quote or a wrong field count is an error, not a guess.</summary>
    private static string[] SplitPlain(string line, int columns, string path, int lineNumber)
    {
        if (line.Contains('"'))
        {
            throw new InvalidDataException($"{path}:{lineNumber}: quoted field; this reader only handles plain CSV");
        }

        var fields = line.Split(',');
        if (fields.Length != columns)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: {fields.Length} fields, expected {columns}");
        }

        return fields;
    }
}
