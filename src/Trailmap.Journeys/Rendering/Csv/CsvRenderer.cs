using System.Text;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// The map as an RFC 4180 CSV grid for spreadsheets: a header row "lane" followed by the stage names, then one
/// row per lane. A cell with several items puts one per line inside a quoted field. Records end with CRLF.
/// </summary>
public static class CsvRenderer
{
    public static string Render(Journey journey, JourneyActuals? actuals = null)
    {
        var sb = new StringBuilder();
        Row(sb, ["lane", .. journey.Stages.Select(s => s.Name)]);
        foreach (var lane in JourneyGrid.Build(journey, actuals))
        {
            Row(sb, [lane.Name, .. lane.Cells.Select(items => string.Join("\n", items))]);
        }

        // The personas and the journey-wide parts follow the grid, one row per card: "Section: title", then its fields one per line.
        foreach (var section in PersonaCards.Build(journey).Concat(StructureCards.Build(journey)))
        {
            foreach (var card in section.Cards)
            {
                Row(sb, [$"{section.Title}: {card.Title}", string.Join("\n", card.Rows.Select(r => $"{r.Label}: {r.Value}"))]);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// One field, safe for spreadsheets: a value starting with = + - @ tab or CR would run as a formula
    /// (CSV injection), so it gets a leading apostrophe; then RFC 4180 quoting where needed.
    /// </summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    private static void Row(StringBuilder sb, IEnumerable<string> fields) =>
        sb.AppendJoin(',', fields.Select(Field)).Append("\r\n");
}
