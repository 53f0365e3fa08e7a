using System.Globalization;
using System.Text;

namespace Trailmap.Web.Insights;

/// <summary>
/// The customers list as CSV (RFC 4180), one row per customer in the page's order; then, as on the page, a personas
/// column when a persona has a trait filter (names separated by "; ") and one column per trait, named trait:NAME.
/// </summary>
public static class CustomerCsv
{
    public const string Header = "customer,stage,stage_name,entered_utc,seconds_in_stage,health,band,weakest";

    public static string Write(AtRiskList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var csv = new StringBuilder(Header);
        if (list.HasPersonas)
        {
            csv.Append(",personas");
        }

        foreach (var trait in list.TraitColumns)
        {
            csv.Append(',').Append(Cell("trait:" + trait));
        }

        csv.Append("\r\n");
        foreach (var r in list.All)
        {
            string?[] cells =
            [
                r.Customer, r.StageId, r.StageName,
                r.Entered?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                r.Waiting is { } w ? ((long)w.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null,
                r.Health?.Score.ToString("0.#", CultureInfo.InvariantCulture), r.Health?.Band, r.Health?.WeakestComponent,
            ];
            csv.AppendJoin(',', cells.Select(Cell));
            if (list.HasPersonas)
            {
                csv.Append(',').Append(Cell(string.Join("; ", r.Personas)));
            }

            foreach (var value in r.Traits)
            {
                csv.Append(',').Append(Cell(value));
            }

            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>
    /// Quoted when it holds a comma, quote or line break; a leading = + - @ gets a quote mark in front, so a
    /// customer id cannot run as a formula when the file is opened in a spreadsheet.
    /// </summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
