namespace Trailmap.Analytics.Journeys;

/// <summary>
/// When each customer entered each measured stage (a stage with an entry event), in microseconds since the Unix
/// epoch, or <see cref="Never"/>. Entry is the moment the journey's stage funnel first reached the stage, so it never
/// moves as later events arrive: the entry as of any time T is simply the entry when it is at or before T.
/// </summary>
public sealed class StageEntryTable
{
    public const long Never = long.MaxValue;

    private readonly long[] _times;

    internal StageEntryTable(IReadOnlyList<string> stages, long[] times)
    {
        Stages = stages;
        _times = times;
    }

    /// <summary>The measured stages' ids, in journey order.</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>The position of a stage among <see cref="Stages"/>, or -1 when it is not measured.</summary>
    public int IndexOf(string stageId)
    {
        for (var k = 0; k < Stages.Count; k++)
        {
            if (Stages[k] == stageId)
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>When the customer entered the measured stage at <paramref name="stage"/>, or <see cref="Never"/>.</summary>
    public long Entered(int customer, int stage) => _times[((long)customer * Stages.Count) + stage];
}

/// <summary>
/// Per customer, one moment of truth's clock: when its deadline falls (the anchor plus the deadline's duration;
/// <see cref="StageEntryTable.Never"/> without an anchor) and when the condition was met in time (or Never).
/// </summary>
public sealed record MomentDeadlines(long[] Deadline, long[] Hit);
