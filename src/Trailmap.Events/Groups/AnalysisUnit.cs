namespace Trailmap.Events;

/// <summary>What an analysis counts: people (each person's own events) or accounts (every member's events, as one).</summary>
public enum AnalysisUnit
{
    /// <summary>Persons, after identity merges (docs/identity.md).</summary>
    People,

    /// <summary>
    /// Groups of Segment <c>group</c> calls or of the import's <c>--group</c> column: an account's events are all its
    /// members' events, so it reaches a step when its first member does (docs/accounts.md).
    /// </summary>
    Accounts,
}
