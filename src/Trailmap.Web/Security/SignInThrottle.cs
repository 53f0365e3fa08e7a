namespace Trailmap.Web.Security;

/// <summary>
/// Slows password guessing against one account, from any number of addresses: after
/// <see cref="WorkspaceOptions.SignInFreeFailures"/> wrong passwords in a row the account refuses sign-ins for
/// <see cref="WorkspaceOptions.SignInBackoff"/>, doubling with every further failure up to
/// <see cref="WorkspaceOptions.SignInBackoffMax"/>. Only that account waits; everyone else signs in as usual, so an
/// attacker behind the same proxy as the members cannot lock them all out. A correct password resets the count.
/// Accounts are keyed by the email as typed (normalised), whether or not it exists, so a lock says nothing about
/// which emails are members. Counts live in memory: a restart forgets them.
/// </summary>
public sealed class SignInThrottle(WorkspaceOptions options, TimeProvider time)
{
    /// <summary>At most this many emails are tracked; beyond it, entries no longer locked and idle longest go first.</summary>
    public const int MaxTracked = 100_000;

    /// <summary>Failures older than this are forgotten.</summary>
    public static readonly TimeSpan FailureMemory = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Entry> accounts = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>How long the account must still wait before its next attempt, or null when it may try now.</summary>
    public TimeSpan? Wait(string email)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            return accounts.TryGetValue(Key(email), out var entry) && entry.LockedUntil > now ? entry.LockedUntil - now : null;
        }
    }

    public void Failed(string email)
    {
        var now = time.GetUtcNow();
        var key = Key(email);
        lock (gate)
        {
            if (!accounts.TryGetValue(key, out var entry) || now - entry.LastFailure > FailureMemory)
            {
                entry = new Entry(0, DateTimeOffset.MinValue, now);
                if (accounts.Count >= MaxTracked)
                {
                    Prune(now);
                }
            }

            var failures = entry.Failures + 1;
            var lockedUntil = entry.LockedUntil;
            if (failures >= options.SignInFreeFailures)
            {
                var doublings = Math.Min(failures - options.SignInFreeFailures, 30);
                var wait = TimeSpan.FromTicks(Math.Min(options.SignInBackoff.Ticks * (1L << doublings), options.SignInBackoffMax.Ticks));
                lockedUntil = now + wait;
            }

            accounts[key] = new Entry(failures, lockedUntil, now);
        }
    }

    public void Succeeded(string email)
    {
        lock (gate)
        {
            accounts.Remove(Key(email));
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in accounts.Where(a => a.Value.LockedUntil <= now).OrderBy(a => a.Value.LastFailure).Take(Math.Max(1, MaxTracked / 10)).ToList())
        {
            accounts.Remove(key);
        }
    }

    private static string Key(string email) => email.Trim().ToLowerInvariant();

    private readonly record struct Entry(int Failures, DateTimeOffset LockedUntil, DateTimeOffset LastFailure);
}
