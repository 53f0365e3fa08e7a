using Trailmap.Analytics.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Web.Insights;

/// <summary>A row of the customers page: where the customer is, since when, and their health when the journey scores it.</summary>
public sealed record CustomerRow(string Customer, string? StageId, string? StageName, DateTimeOffset? Entered, TimeSpan? Waiting, CustomerHealthScore? Health)
{
    /// <summary>The names of the personas whose trait filters the customer matches, in file order.</summary>
    public IReadOnlyList<string> Personas { get; init; } = [];

    /// <summary>The customer's value of each of the list's <see cref="AtRiskList.TraitColumns"/>, null where unset.</summary>
    public IReadOnlyList<string?> Traits { get; init; } = [];
}

/// <summary>
/// The customers page's list. With a health model: every scored customer, least healthy first (so red, then yellow).
/// Without one: customers who reached a stage but not the last one, longest waiting in their current stage first.
/// </summary>
public sealed record AtRiskList(bool ByHealth, long Total, IReadOnlyList<CustomerRow> Rows, IReadOnlyList<CustomerRow> Matches)
{
    /// <summary>Customers per page of the list.</summary>
    public const int Shown = 100;
    public const int MatchesShown = 50;

    /// <summary>The page shown, from 1; past the last page shows the last.</summary>
    public int Page { get; init; } = 1;

    /// <summary>How many pages the whole list fills (at least 1).</summary>
    public int Pages => (int)Math.Max(1, (Total + Shown - 1) / Shown);

    /// <summary>The most trait columns the list shows and exports.</summary>
    public const int MaxTraitColumns = 6;

    /// <summary>The whole ranked list, every page of it: what the CSV export writes.</summary>
    public IReadOnlyList<CustomerRow> All { get; init; } = [];

    /// <summary>
    /// The traits the list has a column for: those the personas' trait filters name, then those the most customers
    /// have, up to <see cref="MaxTraitColumns"/>; ties in name order.
    /// </summary>
    public IReadOnlyList<string> TraitColumns { get; init; } = [];

    /// <summary>Whether any persona has a trait filter, so a customer can be matched to personas.</summary>
    public bool HasPersonas { get; init; }

    public static AtRiskList Build(JourneyMeasurement measurement, Journey journey, bool byHealth, string? search, int page = 1)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var profile = new CustomerProfile(measurement.Entries.Log.Traits, journey);
        var list = Build(measurement, byHealth, search, page);
        return list with
        {
            Rows = [.. list.Rows.Select(profile.Describe)],
            Matches = [.. list.Matches.Select(profile.Describe)],
            All = [.. list.All.Select(profile.Describe)],
            TraitColumns = profile.Columns,
            HasPersonas = profile.HasPersonas,
        };
    }

    private static AtRiskList Build(JourneyMeasurement measurement, bool byHealth, string? search, int page)
    {
        var entries = measurement.Entries;
        var last = entries.Stages.Count;
        var health = measurement.CustomerHealth;
        List<CustomerRow> rows;
        long total;
        if (byHealth)
        {
            total = health.Count;
            rows = [.. health.Select(h => Row(entries, entries.IndexOf(h.Customer), h))];
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
            rows = [.. waiting.OrderBy(r => r.Entered).ThenBy(r => r.Customer, StringComparer.Ordinal)];
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

        var pages = (int)Math.Max(1, (total + Shown - 1) / Shown);
        var shown = Math.Clamp(page, 1, pages);
        return new AtRiskList(byHealth, total, [.. rows.Skip((shown - 1) * Shown).Take(Shown)], matches) { Page = shown, All = rows };
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
