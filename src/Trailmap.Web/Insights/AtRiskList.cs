using Trailmap.Analytics.Journeys;

namespace Trailmap.Web.Insights;

/// <summary>A row of the customers page: where the customer is, since when, and their health when the journey scores it.</summary>
public sealed record CustomerRow(string Customer, string? StageId, string? StageName, DateTimeOffset? Entered, TimeSpan? Waiting, CustomerHealthScore? Health);

/// <summary>
/// The customers page's list. With a health model: every scored customer, least healthy first (so red, then yellow).
/// Without one: customers who reached a stage but not the last one, longest waiting in their current stage first.
/// </summary>
public sealed record AtRiskList(bool ByHealth, long Total, IReadOnlyList<CustomerRow> Rows, IReadOnlyList<CustomerRow> Matches)
{
    public const int Shown = 100;
    public const int MatchesShown = 50;

    public static AtRiskList Build(JourneyInsights insights, bool byHealth, string? search)
    {
        var entries = insights.Entries;
        var last = entries.Stages.Count;
        var health = insights.Health;
        List<CustomerRow> rows;
        long total;
        if (byHealth)
        {
            total = health.Count;
            rows = [.. health.Take(Shown).Select(h => Row(entries, entries.IndexOf(h.Customer), h))];
        }
        else
        {
            var waiting = new List<CustomerRow>();
            for (var c = 0; c < entries.Log.CustomerCount; c++)
            {
                var level = entries.Level(c);
                if (level >= 1 && level < last)
                {
                    waiting.Add(Row(entries, c, null));
                }
            }

            total = waiting.Count;
            rows = [.. waiting.OrderBy(r => r.Entered).ThenBy(r => r.Customer, StringComparer.Ordinal).Take(Shown)];
        }

        var matches = new List<CustomerRow>();
        if (!string.IsNullOrEmpty(search))
        {
            var scores = health.ToDictionary(h => h.Customer, StringComparer.Ordinal);
            for (var c = 0; c < entries.Log.CustomerCount && matches.Count < MatchesShown; c++)
            {
                var id = entries.Log.Customers[c];
                if (id.Contains(search, StringComparison.OrdinalIgnoreCase))
                {
                    matches.Add(Row(entries, c, scores.GetValueOrDefault(id)));
                }
            }
        }

        return new AtRiskList(byHealth, total, rows, matches);
    }

    private static CustomerRow Row(StageEntries entries, int c, CustomerHealthScore? health)
    {
        var level = c >= 0 ? entries.Level(c) : 0;
        if (level == 0)
        {
            return new CustomerRow(health?.Customer ?? entries.Log.Customers[c], null, null, null, null, health);
        }

        var stage = entries.Stages[level - 1];
        var entered = entries.FirstEntry(c, level - 1)!.Value;
        return new CustomerRow(entries.Log.Customers[c], stage.Id, stage.Name, entered, entries.End - entered, health);
    }
}
