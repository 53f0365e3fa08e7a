using System.Globalization;
using System.Text.RegularExpressions;
using Trailmap.Automation.Lift;
using Trailmap.Journeys.Model;

namespace Trailmap.Discovery.Discover;

/// <summary>
/// Persona candidates: customers of the anchor stage (<see cref="JourneyDiscoverer.Anchor"/>) who share one value of a trait (plan, role, seats) and whose
/// conversion to the last stage differs from everyone else's, with a 95% interval that excludes no difference.
/// Traits with more than <see cref="DiscoveryOptions.MaxTraitValues"/> values (names, emails) are not segments.
/// </summary>
internal static partial class PersonaFinder
{
    public static IReadOnlyList<PersonaCandidate> Find(FirstTimes times, IReadOnlyList<int> chain, int anchor, DiscoveryOptions options)
    {
        var log = times.Log;
        if (log.Traits is null)
        {
            return [];
        }

        var last = chain[^1];
        var cohort = new List<(int Customer, bool Converted)>();
        for (var c = 0; c < log.CustomerCount; c++)
        {
            var start = times.First(c, anchor);
            if (start >= 0)
            {
                cohort.Add((c, times.FirstAtOrAfter(c, last, start) >= 0));
            }
        }

        var totalConverted = cohort.Count(m => m.Converted);
        // trait -> value text -> (value, members, converted)
        var segments = new SortedDictionary<string, Dictionary<string, (object Value, long Members, long Converted)>>(StringComparer.Ordinal);
        foreach (var (customer, converted) in cohort)
        {
            if (!log.Traits.TryGetValue(log.Customers[customer], out var traits))
            {
                continue;
            }

            foreach (var (trait, value) in traits)
            {
                if (value is null || value is System.Collections.IEnumerable and not string || !Identifier().IsMatch(trait))
                {
                    continue;
                }

                if (!segments.TryGetValue(trait, out var values))
                {
                    segments[trait] = values = new Dictionary<string, (object, long, long)>(StringComparer.Ordinal);
                }

                if (values.Count > options.MaxTraitValues)
                {
                    continue; // already too many values to be a segment; stop counting them
                }

                var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                values[text] = values.TryGetValue(text, out var s) ? (s.Value, s.Members + 1, s.Converted + (converted ? 1 : 0)) : (value, 1, converted ? 1 : 0);
            }
        }

        var found = new List<PersonaCandidate>();
        foreach (var (trait, values) in segments)
        {
            if (values.Count > options.MaxTraitValues || values.Count < 2)
            {
                continue;
            }

            foreach (var (text, (value, members, converted)) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                var rest = cohort.Count - members;
                if (members < options.MinCustomers || rest < options.MinCustomers)
                {
                    continue;
                }

                var difference = ProportionDifference.Newcombe(converted, members, totalConverted - converted, rest);
                if (difference.Low > 0 || difference.High < 0)
                {
                    found.Add(new PersonaCandidate(trait, text, new Filter.Comparison(trait, FilterOperator.Equal, [value]).ToString(), members, converted, rest, totalConverted - converted, difference));
                }
            }
        }

        return [.. found.OrderByDescending(p => Math.Max(p.Difference.Low, -p.Difference.High)).ThenBy(p => p.Filter, StringComparer.Ordinal).Take(options.MaxPersonas)];
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
