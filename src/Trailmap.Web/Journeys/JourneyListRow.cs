using Trailmap.Web.Analysis;

namespace Trailmap.Web.Journeys;

/// <summary>One journey on the list: its owner from the latest version, and its last measurement if there is one.</summary>
public sealed record JourneyListRow(StoredJourney Stored, string? Owner, MeasuredJourney? Measured)
{
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
            var owner = JourneyStore.Parse(version.Yaml).Journey?.Owner;
            if (q.Length > 0 && !Contains(stored.Title, q) && !Contains(stored.Slug, q) && !Contains(owner, q))
            {
                continue;
            }

            rows.Add(new JourneyListRow(stored, owner, analysis.Peek(stored, version)));
        }

        return rows;
    }

    private static bool Contains(string? text, string query) => text?.Contains(query, StringComparison.OrdinalIgnoreCase) == true;
}
