using Trailmap.Web.Analysis;

namespace Trailmap.Web.Journeys;

/// <summary>One journey on the list: its owner and stage names from the latest version, and its last measurement if there is one.</summary>
public sealed record JourneyListRow(StoredJourney Stored, string? Owner, MeasuredJourney? Measured)
{
    /// <summary>The latest version's stage names, in order (empty when the version does not parse).</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];

    /// <summary>Nobody entered the journey's first stage in the last measurement: its figures would all read zero.</summary>
    public bool NoData => Measured is { } m && m.Analysis.Stages.All(s => s.Reached == 0);

    /// <summary>The map's thumbnail: the stages, filled to how many customers reached each in the last measurement.</summary>
    public string Thumbnail => JourneyThumbnail.Svg(
        Stages,
        Measured is { } m && !NoData ? [.. m.Journey.Stages.Select(s => m.Analysis.Stages.FirstOrDefault(a => a.Id == s.Id)?.Reached ?? 0)] : null);

    /// <summary>
    /// The journeys whose title, slug or owner contains the query (case-insensitive), each with its last finished
    /// measurement, taken without waiting: a list of many journeys must not wait for each to be measured.
    /// </summary>
    public static IReadOnlyList<JourneyListRow> For(JourneyStore journeys, AnalysisService analysis, string? query)
    {
        var q = (query ?? "").Trim();
        var rows = new List<JourneyListRow>();
        foreach (var stored in journeys.All())
        {
            var version = journeys.Latest(stored);
            var journey = JourneyStore.Parse(version.Yaml).Journey;
            var owner = journey?.Owner;
            if (q.Length > 0 && !Contains(stored.Title, q) && !Contains(stored.Slug, q) && !Contains(owner, q))
            {
                continue;
            }

            rows.Add(new JourneyListRow(stored, owner, analysis.Peek(stored, version)) { Stages = [.. journey?.Stages.Select(s => s.Name) ?? []] });
        }

        return rows;
    }

    private static bool Contains(string? text, string query) => text?.Contains(query, StringComparison.OrdinalIgnoreCase) == true;
}
