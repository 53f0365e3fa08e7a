namespace Trailmap.Oracle.Tests.Oracle;

/// <summary>
/// One row of the oracle's <c>events</c> table. <paramref name="Seq"/> breaks ties between events of one customer at
/// the same timestamp (arrival order) and identifies the event, so it must be unique within a load.
/// </summary>
/// <remarks>
/// The timestamp is UTC, stored as <c>timestamp(6)</c> (sub-microsecond ticks are dropped); the properties are a JSON
/// object, or null for none.
/// </remarks>
public sealed record OracleEvent(string CustomerId, string Event, DateTime Timestamp, long Seq, string? PropsJson = null);
