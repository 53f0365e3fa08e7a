namespace Trailmap.Events;

/// <summary>Which Segment call declared a link: they differ in what they may merge (see docs/identity.md).</summary>
public enum IdentityLinkKind
{
    /// <summary><c>identify</c> with both an <c>anonymousId</c> (<see cref="IdentityLink.From"/>) and a <c>userId</c>.</summary>
    Identify,

    /// <summary><c>alias</c>: <c>previousId</c> (<see cref="IdentityLink.From"/>) is now known as <c>userId</c>.</summary>
    Alias,
}

/// <summary>
/// One declaration that two ids are the same person: <paramref name="From"/> joins the person of
/// <paramref name="To"/>. Links are kept as they arrive; <see cref="IdentityGraph"/> turns all of them into persons.
/// </summary>
public sealed record IdentityLink(string From, string To, IdentityLinkKind Kind, DateTime Timestamp, string MessageId);
