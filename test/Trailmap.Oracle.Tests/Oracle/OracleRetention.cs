namespace Trailmap.Oracle.Tests.Oracle;

public enum OraclePeriod
{
    Day,
    Week,
    Month,
}

/// <summary>Mixpanel's names: <c>on</c> counts a customer in period N only for a return inside period N.</summary>
public enum OracleBucket
{
    On,
    OnOrAfter,
}

/// <summary>
/// A retention question for <see cref="PostgresOracle"/>: cohorts by the first <paramref name="StartEvent"/>, returns
/// are <paramref name="ReturnEvent"/> events (any event when null) other than the start event itself, periods
/// 0..<paramref name="Periods"/>. Rolling buckets by default; <paramref name="Calendar"/> uses calendar periods.
/// </summary>
public sealed record OracleRetention(
    string StartEvent,
    string? ReturnEvent,
    OraclePeriod Period,
    int Periods,
    OracleBucket Bucket = OracleBucket.OnOrAfter,
    bool Calendar = false);

/// <summary>
/// One cohort row: the calendar period (day, ISO week's Monday or month's first day) of its members' start events,
/// their number, and <c>Retained[n]</c> = customers counted in period n, for n = 0..Periods.
/// </summary>
public sealed record OracleCohort(DateOnly Start, int Size, IReadOnlyList<int> Retained);
