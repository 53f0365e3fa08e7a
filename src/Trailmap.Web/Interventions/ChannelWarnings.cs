using Trailmap.Automation.Running;
using Trailmap.Journeys.Model;

namespace Trailmap.Web.Interventions;

/// <summary>A channel a journey's rules send through that the server is not configured for: why, and which rules.</summary>
public sealed record ChannelWarning(ActionChannel Channel, string Why, IReadOnlyList<string> Rules);

/// <summary>
/// The journey's rules whose channel is not configured. Their messages wait in the outbox until it is, which nothing
/// else on the page would show, so the interventions page and the map both say so.
/// </summary>
public static class ChannelWarnings
{
    public static IReadOnlyList<ChannelWarning> For(Journey journey, DeliverySettings settings)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(settings);
        var uses = journey.Interventions.Select(i => (i.Name, Channel: i.Then.Channel))
            .Concat(journey.Sequences.SelectMany(s => s.Steps.Select(st => (s.Name, Channel: st.Then.Channel))));
        return
        [
            .. uses.GroupBy(u => u.Channel)
                .Where(g => settings.Missing(g.Key) is not null)
                .OrderBy(g => g.Key)
                .Select(g => new ChannelWarning(g.Key, settings.Missing(g.Key)!, [.. g.Select(u => u.Name).Distinct(StringComparer.Ordinal)])),
        ];
    }
}
