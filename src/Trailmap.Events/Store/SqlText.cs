namespace Trailmap.Events;

/// <summary>
/// The one place where text from outside becomes part of SQL. Values go in as parameters wherever DuckDB
/// allows; identifiers (CSV column names) and the few literals DuckDB cannot bind (struct keys in
/// read_csv's <c>columns</c>, JSON object keys) are quoted here and nowhere else.
/// </summary>
internal static class SqlText
{
    /// <summary>A double-quoted identifier: embedded quotes are doubled, NULs rejected.</summary>
    public static string Identifier(string name)
    {
        RejectNul(name);
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A single-quoted string literal: embedded quotes are doubled, NULs rejected.</summary>
    public static string Literal(string value)
    {
        RejectNul(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private static void RejectNul(string text)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Text with a NUL character cannot be used as a column name.", nameof(text));
        }
    }
}
