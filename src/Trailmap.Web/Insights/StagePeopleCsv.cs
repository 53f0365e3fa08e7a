using System.Globalization;
using System.Text;

namespace Trailmap.Web.Insights;

/// <summary>A stage's stuck or converted customers as CSV (RFC 4180), one row per customer in the page's order.</summary>
public static class StagePeopleCsv
{
    public const string StuckHeader = "customer,entered_utc,seconds_waiting";
    public const string ConvertedHeader = "customer,entered_utc,next_stage_entered_utc";

    public static string Write(StageDrillDown drill)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var csv = new StringBuilder(drill.ShowConverted ? ConvertedHeader : StuckHeader).Append("\r\n");
        if (drill.ShowConverted)
        {
            foreach (var m in drill.Converted)
            {
                csv.Append(CustomerCsv.Cell(m.Customer)).Append(',').Append(Utc(m.Entered)).Append(',').Append(Utc(m.NextEntered)).Append("\r\n");
            }
        }
        else
        {
            foreach (var s in drill.Stuck)
            {
                csv.Append(CustomerCsv.Cell(s.Customer)).Append(',').Append(Utc(s.Entered)).Append(',')
                    .Append(((long)s.Waiting.TotalSeconds).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            }
        }

        return csv.ToString();
    }

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
