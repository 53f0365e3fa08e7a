namespace Trailmap.Journeys.Generation;

/// <summary>The two Segment message types the generator writes.</summary>
public enum MessageType { Identify, Track }

/// <summary>
/// One synthetic Segment message: an <c>identify</c> carrying a customer's traits or a <c>track</c> carrying an event
/// and its properties. <see cref="Properties"/> holds the traits for an identify.
/// </summary>
public sealed record GeneratedMessage(
    MessageType Type,
    string UserId,
    string? Event,
    DateTimeOffset Timestamp,
    string MessageId,
    IReadOnlyDictionary<string, object?> Properties);
