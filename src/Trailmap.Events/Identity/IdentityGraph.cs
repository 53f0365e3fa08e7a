namespace Trailmap.Events;

/// <summary>
/// Turns identity links into persons, the same way whatever engine stores them: every id maps to one canonical
/// person id. The links are applied in (timestamp, message id) order, never in arrival order, so a merge that arrives
/// late lands exactly where it would have landed on time, and the result is the same for every order of arrival.
/// Rules (docs/identity.md): a link whose two ids already are one person changes nothing, so chains resolve
/// transitively and no cycle can form; an <c>alias</c> always merges the previous id's person into the user id's;
/// an <c>identify</c> merges the anonymous id's person only while that person is still anonymous (no user id has
/// claimed it yet), so a shared device does not fuse two signed-up people.
/// </summary>
public static class IdentityGraph
{
    /// <summary>
    /// Every id that belongs to a person other than itself, with that person's id (the root of its merges: the user
    /// id of the last link that joined it). Ids that are their own person are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Resolve(IEnumerable<IdentityLink> links)
    {
        ArgumentNullException.ThrowIfNull(links);
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var identified = new HashSet<string>(StringComparer.Ordinal);
        foreach (var link in links
            .OrderBy(l => l.Timestamp)
            .ThenBy(l => l.MessageId, StringComparer.Ordinal)
            .ThenBy(l => l.From, StringComparer.Ordinal)
            .ThenBy(l => l.To, StringComparer.Ordinal))
        {
            var from = Find(parent, link.From);
            var to = Find(parent, link.To);
            if (from == to)
            {
                continue;
            }

            if (link.Kind == IdentityLinkKind.Identify && identified.Contains(from))
            {
                continue;
            }

            parent[from] = to;
            identified.Remove(from);
            identified.Add(to);
        }

        var persons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in parent.Keys)
        {
            var person = Find(parent, id);
            if (person != id)
            {
                persons[id] = person;
            }
        }

        return persons;
    }

    /// <summary>The root of <paramref name="id"/>, halving the path on the way (the forest stays shallow).</summary>
    private static string Find(Dictionary<string, string> parent, string id)
    {
        while (parent.TryGetValue(id, out var up) && up != id)
        {
            if (parent.TryGetValue(up, out var grand) && grand != up)
            {
                parent[id] = grand;
            }

            id = up;
        }

        return id;
    }
}
