namespace Trailmap.Delivery;

/// <summary>
/// When to try a failed message again: exponential backoff with jitter, up to <see cref="MaxAttempts"/> attempts.
/// The delay after attempt n (1-based) is min(MaxDelay, BaseDelay * 2^(n-1)) * (1 + Jitter * (2u - 1)), u uniform
/// in [0, 1): with the defaults 30 s, 1 min, 2 min, 4 min, 8 min, 16 min, 32 min, each +-20%.
/// </summary>
/// <remarks>
/// The formula is written out rather than taken from Polly because the wait is not spent in memory: it is stored as
/// the message's next attempt time, so a restart keeps the schedule. The jitter spreads retries of many messages that
/// failed together (a receiver outage) so they do not all return at the same instant.
/// </remarks>
public sealed record RetryPolicy
{
    /// <summary>Attempts in all, the first included; after the last failed one the message is dead. Default 8.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The delay after the first failed attempt. Default 30 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest delay between attempts, before jitter. Default 1 h.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The share of the delay added or taken at random, 0..1. Default 0.2 (+-20%).</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>The random source of the jitter; pass a seeded one for repeatable runs.</summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1-based).</summary>
    /// <param name="attempt">The attempt that failed, 1 for the first.</param>
    /// <param name="retryAfter">What the receiver asked for; the delay is at least this, up to <see cref="MaxDelay"/>.</param>
    public TimeSpan DelayAfter(int attempt, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        // 2^(n-1) overflows nothing: past 2^40 the cap has long applied.
        var factor = Math.Pow(2, Math.Min(attempt - 1, 40));
        var raw = Math.Min(MaxDelay.Ticks, BaseDelay.Ticks * factor);
        var u = Random.NextDouble();
        var delay = TimeSpan.FromTicks((long)(raw * (1 + (Jitter * ((2 * u) - 1)))));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < MaxDelay ? asked : MaxDelay;
        }

        return delay;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, BaseDelay, nameof(MaxDelay));
        if (Jitter is < 0 or > 1 || double.IsNaN(Jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "Jitter is a share of the delay, between 0 and 1");
        }
    }
}
