namespace Trailmap.Events;

/// <summary>
/// One stored event as read back: the timestamp is UTC with microsecond precision, properties are a JSON
/// object text ("{}" when empty), and seq is arrival order across imports (the last tie-breaker).
/// </summary>
public sealed record EventRow(
    string CustomerId,
    string Event,
    DateTime Timestamp,
    string MessageId,
    string Properties,
    long Seq);

/// <summary>A customer's traits (from Segment identify/group calls or a traits file) as a JSON object text.</summary>
public sealed record CustomerTraits(string CustomerId, string Traits, DateTime UpdatedAt);

/// <summary>What a store holds, for a `trailmap status`-style summary.</summary>
public sealed record StoreSummary(long Events, long Customers, IReadOnlyList<EventNameCount> EventNames, long Imports);

/// <summary>How many events carry one event name.</summary>
public sealed record EventNameCount(string Event, long Count);
