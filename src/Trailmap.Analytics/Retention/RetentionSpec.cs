using Trailmap.Analytics.Funnels;

namespace Trailmap.Analytics.Retention;

public enum RetentionPeriod { Day, Week, Month }

/// <summary>
/// <see cref="On"/>: counted in period N only when they return within period N (Mixpanel "On").
/// <see cref="OnOrAfter"/>: counted in period N when they return in N or any later period (Mixpanel's default).
/// </summary>
public enum RetentionBucket { On, OnOrAfter }

/// <summary>A cohort table: who came back after their first start event.</summary>
public sealed record RetentionSpec
{
    public required FunnelStep StartEvent { get; init; }

    /// <summary>The event that counts as a return; null means any event.</summary>
    public FunnelStep? ReturnEvent { get; init; }

    public RetentionPeriod Period { get; init; } = RetentionPeriod.Day;

    /// <summary>The last period reported; the table has periods 0..Periods.</summary>
    public int Periods { get; init; } = 10;

    public RetentionBucket Bucket { get; init; } = RetentionBucket.On;

    /// <summary>Calendar periods (UTC days, ISO weeks from Monday, months) instead of rolling ones from the start event.</summary>
    public bool Calendar { get; init; }
}

/// <summary>One cohort row: <see cref="Retained"/>[k] customers returned in period k; <see cref="Percent"/>[k] of <see cref="Size"/>, 0..100.</summary>
public sealed record RetentionCohort(DateOnly Cohort, long Size, long[] Retained, double[] Percent);

public sealed record RetentionTable(IReadOnlyList<RetentionCohort> Cohorts, RetentionSpec Spec);
