using Trailmap.Journeys.Model;
using Trailmap.Journeys.Writing;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// Each persona as a card with every field written: the shape the SVG and CSV renders show personas in (HTML and
/// Markdown have their own persona section, with the same fields in the same order; <see cref="Rows"/> feeds Markdown).
/// </summary>
internal static class PersonaCards
{
    public static IReadOnlyList<CardSection> Build(Journey journey) =>
        journey.Personas.Count == 0
            ? []
            : [new CardSection("personas", "Personas", [.. journey.Personas.Select(p => new Card(p.Id, p.Name,
                [.. Rows(p).Select(r => new CardRow(r.Label, r.Value))]))])];

    /// <summary>The persona's fields as label and plain text, lists joined with "; ", empty ones left out.</summary>
    public static IEnumerable<(string Label, string Value)> Rows(Persona p)
    {
        static string List(IEnumerable<string> items) => string.Join("; ", items);
        (string Label, string? Value)[] rows =
        [
            ("Role", p.Role),
            ("Quotes", List(p.AllQuotes().Select(q => $"“{q}”"))),
            ("Goals", List(p.Goals)),
            ("Pains", List(p.Pains)),
            ("Motivations", List(p.Motivations)),
            ("Values", List(p.Values)),
            ("Personality", List(p.Personality)),
            ("Attitudes", List(p.Attitudes)),
            ("Lifestyle", p.Lifestyle),
            ("Tech comfort", p.TechComfort?.ToString().ToLowerInvariant()),
            ("Channels", List(p.Channels)),
            ("Information sources", List(p.InformationSources)),
            ("Behaviors", List(p.Behaviors)),
            ("Demographics", List(p.Demographics.Select(d => $"{d.Key.Replace('_', ' ')}: {d.Value}"))),
            ("Customers", p.Traits is null ? null : FilterWriter.Write(p.Traits)),
            ("Cohort", p.Cohort),
        ];
        return rows.Where(r => !string.IsNullOrWhiteSpace(r.Value)).Select(r => (r.Label, r.Value!));
    }
}
