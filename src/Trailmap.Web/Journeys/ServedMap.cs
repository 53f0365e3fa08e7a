using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Insights;

namespace Trailmap.Web.Journeys;

/// <summary>
/// The map document as the workspace serves it: with map.js and map.css (zoom, fit to width, sticky stage headers,
/// visible focus) and, for members, links from the map to the drill-downs behind each element.
/// </summary>
public static class ServedMap
{
    private static readonly string[] Stylesheets = ["/assets/map.css"];
    private static readonly string[] Scripts = ["/assets/map.js"];

    /// <summary>
    /// A member's map: a stage and its touchpoints open the stage's drill-down, a moment of truth the stage's time
    /// to reach it (the deadline's figure), a retention KPI the retention view of its own definition and any other
    /// KPI its row on the KPI board.
    /// </summary>
    public static InteractiveMap SignedIn(string slug) => new()
    {
        StageLink = stage => Formats.StagePath(slug, stage.Id),
        TouchpointLink = (stage, _) => Formats.StagePath(slug, stage.Id),
        KpiLink = kpi => KpiPath(slug, kpi),
        MomentLink = moment => moment.Stage is { } stage ? Formats.StagePath(slug, stage) + "#time-h" : null,
        Stylesheets = Stylesheets,
        Scripts = Scripts,
    };

    /// <summary>
    /// A share link's map: the same controls and no links, since the drill-downs are workspace pages (they list
    /// customers by id) that a share link does not open.
    /// </summary>
    public static InteractiveMap Shared { get; } = new() { Stylesheets = Stylesheets, Scripts = Scripts };

    public static string KpiPath(string slug, Metric kpi) =>
        RetentionQuery.Drawable(kpi)
            ? "/journeys/" + Uri.EscapeDataString(slug) + "/retention?kpi=" + Uri.EscapeDataString(kpi.Id)
            : "/journeys/" + Uri.EscapeDataString(slug) + "/kpis#" + KpiAnchor(kpi.Id);

    /// <summary>The id of a KPI's row on the KPI board, the target of the map's KPI links.</summary>
    public static string KpiAnchor(string kpiId) => "kpi-" + Uri.EscapeDataString(kpiId);
}
