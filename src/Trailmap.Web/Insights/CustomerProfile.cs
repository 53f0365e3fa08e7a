using Trailmap.Journeys.Model;

namespace Trailmap.Web.Insights;

/// <summary>
/// A customer's personas and chosen traits for the customer list: the personas whose trait filters the customer's
/// traits match (as the analysis counts persona members), and the values of the list's trait columns.
/// </summary>
internal sealed class CustomerProfile
{
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits;
    private readonly List<Persona> personas;

    public CustomerProfile(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits, Journey journey)
    {
        this.traits = traits;
        personas = [.. journey.Personas.Where(p => p.Traits is not null)];
        Columns = ChooseColumns(traits, personas);
    }

    public IReadOnlyList<string> Columns { get; }

    public bool HasPersonas => personas.Count > 0;

    public CustomerRow Describe(CustomerRow row)
    {
        var own = traits is not null && traits.TryGetValue(row.Customer, out var t) ? t : null;
        return row with
        {
            Personas = Matching(personas, own),
            Traits = [.. Columns.Select(c => own is not null && own.TryGetValue(c, out var v) ? CustomerTimeline.TraitText(v) : null)],
        };
    }

    /// <summary>
    /// The names of the personas whose trait filter one customer's traits match, for their timeline; null when no
    /// persona of the journey has a trait filter (nothing to match, so the page says nothing about personas).
    /// </summary>
    public static IReadOnlyList<string>? PersonasOf(Journey journey, IReadOnlyDictionary<string, object?>? own)
    {
        var filtered = journey.Personas.Where(p => p.Traits is not null).ToList();
        return filtered.Count == 0 ? null : Matching(filtered, own);
    }

    private static List<string> Matching(List<Persona> personas, IReadOnlyDictionary<string, object?>? own)
    {
        object? Lookup(string name) => own is not null && own.TryGetValue(name, out var v) ? v : null;
        return [.. personas.Where(p => p.Traits!.Matches(Lookup)).Select(p => p.Name)];
    }

    private static List<string> ChooseColumns(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits, List<Persona> personas)
    {
        var columns = personas.SelectMany(p => p.Traits!.Properties()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (traits is not null && columns.Count < AtRiskList.MaxTraitColumns)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var own in traits.Values)
            {
                foreach (var key in own.Keys)
                {
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }

            columns.AddRange(counts.Where(kv => !columns.Contains(kv.Key))
                .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => kv.Key).Take(AtRiskList.MaxTraitColumns - columns.Count));
        }

        return [.. columns.Take(AtRiskList.MaxTraitColumns)];
    }
}
