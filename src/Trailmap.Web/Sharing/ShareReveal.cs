using Trailmap.Journeys.Model;

namespace Trailmap.Web.Sharing;

/// <summary>
/// What a share link shows beyond the map's structure and numbers. Each is off unless the editor ticks it when
/// creating the link, since a link travels further than the workspace's members: people's names and addresses,
/// the trait filters that describe who a persona is in the data, and the wording of the messages rules send.
/// </summary>
[Flags]
public enum ShareReveal
{
    None = 0,

    /// <summary>Owners of the journey, its touchpoints and opportunities (often people's names or email addresses).</summary>
    Owners = 1,

    /// <summary>Personas' trait filters, e.g. <c>plan == "team"</c>: how customers are segmented in the data.</summary>
    TraitFilters = 2,

    /// <summary>What the interventions and sequences send: subjects, templates, messages, addresses and webhook URLs.</summary>
    Messages = 4,
}

/// <summary>The journey as a share link shows it: what the link does not reveal is taken out before rendering.</summary>
public static class ShareRedaction
{
    /// <summary>Stands in for a rule's message when the link does not reveal messages; the channel stays visible.</summary>
    public const string HiddenMessage = "message not shared";

    /// <summary>The reveal options as the form and the store spell them.</summary>
    public static readonly (ShareReveal Flag, string Name, string Label)[] Options =
    [
        (ShareReveal.Owners, "owners", "Owners (names or email addresses of the journey's, touchpoints' and opportunities' owners)"),
        (ShareReveal.TraitFilters, "traits", "Personas' trait filters (how customers are segmented in the data)"),
        (ShareReveal.Messages, "messages", "Message templates (subjects, templates, texts, addresses and webhook URLs the rules send)"),
    ];

    public static Journey Apply(Journey journey, ShareReveal reveals)
    {
        ArgumentNullException.ThrowIfNull(journey);
        if (!reveals.HasFlag(ShareReveal.Owners))
        {
            journey = journey with
            {
                Owner = null,
                Stages =
                [
                    .. journey.Stages.Select(s => s with
                    {
                        Touchpoints = [.. s.Touchpoints.Select(t => t with { Owner = null })],
                        Opportunities = [.. s.Opportunities.Select(o => o with { Owner = null })],
                    }),
                ],
            };
        }

        if (!reveals.HasFlag(ShareReveal.TraitFilters))
        {
            journey = journey with { Personas = [.. journey.Personas.Select(p => p with { Traits = null })] };
        }

        if (!reveals.HasFlag(ShareReveal.Messages))
        {
            journey = journey with
            {
                Interventions = [.. journey.Interventions.Select(i => i with { Then = Hidden(i.Then) })],
                Sequences = [.. journey.Sequences.Select(q => q with { Steps = [.. q.Steps.Select(st => st with { Then = Hidden(st.Then) })] })],
            };
        }

        return journey;
    }

    /// <summary>Parses the stored form, names separated by commas; unknown names are ignored (an older build's link reveals less, not more).</summary>
    public static ShareReveal Parse(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Aggregate(ShareReveal.None, (all, name) => all | Options.FirstOrDefault(o => o.Name == name).Flag);

    public static string Format(ShareReveal reveals) =>
        string.Join(",", Options.Where(o => reveals.HasFlag(o.Flag)).Select(o => o.Name));

    private static InterventionAction Hidden(InterventionAction action) =>
        new() { Channel = action.Channel, Subject = HiddenMessage };
}
