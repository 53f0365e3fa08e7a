using System.Globalization;
using Trailmap.Journeys.Model;

namespace Trailmap.Web.Insights;

/// <summary>How the insight pages write numbers, times and statuses, so every page reads the same.</summary>
public static class Formats
{
    public static string Percent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Seconds(double? seconds) =>
        seconds is { } s ? Duration.FormatApproximate(TimeSpan.FromSeconds(s)) : "–";

    public static string Span(TimeSpan span) => Duration.FormatApproximate(span);

    public static string When(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Score(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "–";

    /// <summary>An enum value in the journey file's spelling: TimeBetween → time-between, InProgress → in-progress.</summary>
    public static string Kebab(Enum value) =>
        string.Concat(value.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? "-" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    public static string StatusClass(TargetStatus status) => status switch
    {
        TargetStatus.Met => "met",
        TargetStatus.AtRisk => "at-risk",
        TargetStatus.Missed => "missed",
        _ => "no-data",
    };

    public static string StatusText(TargetStatus status) => status switch
    {
        TargetStatus.Met => "met",
        TargetStatus.AtRisk => "at risk",
        TargetStatus.Missed => "missed",
        TargetStatus.NoTarget => "no target",
        _ => "no data",
    };

    /// <summary>A customer id as a URL path: each '/'-separated part escaped, so any id round-trips through the catch-all route.</summary>
    public static string CustomerPath(string slug, string customer) =>
        "/journeys/" + Uri.EscapeDataString(slug) + "/customers/" + string.Join('/', customer.Split('/').Select(Uri.EscapeDataString));

    public static string StagePath(string slug, string stageId) =>
        "/journeys/" + Uri.EscapeDataString(slug) + "/stages/" + Uri.EscapeDataString(stageId);
}
