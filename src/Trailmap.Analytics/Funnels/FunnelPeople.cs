using Trailmap.Events;

namespace Trailmap.Analytics.Funnels;

/// <summary>Which of a step's customers to list.</summary>
public enum StepOutcome
{
    /// <summary>Everyone who reached the step (their level is at least the step).</summary>
    Reached,

    /// <summary>Reached the step and not the next: the step's drop-off, one by one.</summary>
    Dropped,

    /// <summary>Reached the step and the next one.</summary>
    Converted,
}

/// <summary>One customer at a step: when their converting chain reached it and the next step (null when it did not, or for unordered funnels).</summary>
public sealed record FunnelPerson(string Customer, DateTimeOffset? ReachedAt, DateTimeOffset? NextAt);

/// <summary>One page of a step's customers; <see cref="Total"/> counts all of them.</summary>
public sealed record FunnelPeoplePage(int Step, StepOutcome Outcome, long Total, int Page, int PageSize, IReadOnlyList<FunnelPerson> People)
{
    public int Pages => Total == 0 ? 1 : (int)((Total + PageSize - 1) / PageSize);
}

/// <summary>
/// The customers behind a funnel step's numbers, every one of them: those who reached it, dropped after it, or went on
/// to the next step. They are the customers the step's counts are made of (same levels), ordered by customer id
/// (ordinal) so that pages are stable.
/// </summary>
public static class FunnelPeople
{
    public const int DefaultPageSize = 100;

    /// <summary>The most customers one page holds; the CSV export has no such bound.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Every customer of <paramref name="step"/> (1-based) with <paramref name="outcome"/>, by customer id.</summary>
    public static IReadOnlyList<FunnelPerson> All(FunnelResult result, int step, StepOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(result);
        var n = result.Steps.Count;
        Check(step, outcome, n);
        var people = new List<FunnelPerson>();
        for (var c = 0; c < result.Levels.Count; c++)
        {
            var level = result.Levels[c];
            var take = outcome switch
            {
                StepOutcome.Reached => level >= step,
                StepOutcome.Dropped => level == step,
                _ => level > step,
            };
            if (!take)
            {
                continue;
            }

            people.Add(new FunnelPerson(
                result.Customers[c],
                At(result, c, step - 1),
                level > step ? At(result, c, step) : null));
        }

        people.Sort((a, b) => string.CompareOrdinal(a.Customer, b.Customer));
        return people;
    }

    /// <summary>Page <paramref name="page"/> (1-based) of <see cref="All"/>; a page past the end is empty.</summary>
    public static FunnelPeoplePage Page(FunnelResult result, int step, StepOutcome outcome, int page, int pageSize)
    {
        if (page < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(page), page, "pages count from 1");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"a page holds 1 to {MaxPageSize} customers");
        }

        var all = All(result, step, outcome);
        var slice = all.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize)).Take(pageSize).ToList();
        return new FunnelPeoplePage(step, outcome, all.Count, page, pageSize, slice);
    }

    /// <summary>Reads <c>dropped</c>, <c>converted</c> or <c>reached</c>; null for anything else.</summary>
    public static StepOutcome? ParseOutcome(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "dropped" => StepOutcome.Dropped,
        "converted" => StepOutcome.Converted,
        "reached" => StepOutcome.Reached,
        _ => null,
    };

    public static string Format(StepOutcome outcome) => outcome switch
    {
        StepOutcome.Dropped => "dropped",
        StepOutcome.Converted => "converted",
        _ => "reached",
    };

    private static void Check(int step, StepOutcome outcome, int steps)
    {
        if (step < 1 || step > steps)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"the funnel has steps 1 to {steps}");
        }

        if (step == steps && outcome != StepOutcome.Reached)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the last step has no next step to drop before or convert to");
        }
    }

    private static DateTimeOffset? At(FunnelResult result, int customer, int step) =>
        result.ChainTimes is { } times ? EventLogBuilder.FromMicros(times[((long)customer * result.Steps.Count) + step]) : null;
}
