using Trailmap.Journeys;
using Trailmap.Journeys.Templates;

namespace Trailmap.Web.Gallery;

/// <summary>One template as the gallery shows it: the catalog entry and how many stages its journey has.</summary>
public sealed record TemplateCard(JourneyTemplate Template, int Stages);

/// <summary>
/// The shipped templates, parsed once: they are embedded in the assembly and cannot change while the server runs,
/// so counting stages on every request would only burn time.
/// </summary>
public static class TemplateGallery
{
    private static readonly Lazy<IReadOnlyList<TemplateCard>> Cards = new(() =>
    [
        .. TemplateCatalog.All.Select(t => new TemplateCard(t, JourneyFile.FromText(t.ReadYaml(), t.Name + ".yaml").Journey?.Stages.Count ?? 0)),
    ]);

    public static IReadOnlyList<TemplateCard> All => Cards.Value;
}
