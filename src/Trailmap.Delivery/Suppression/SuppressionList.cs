namespace Trailmap.Delivery;

public enum UnsubscribeOutcome
{
    /// <summary>The address is now suppressed.</summary>
    Unsubscribed,
    /// <summary>It was suppressed already (a second click); nothing changed.</summary>
    AlreadySuppressed,
    /// <summary>The token is forged, altered or not a token; nothing changed.</summary>
    InvalidToken,
}

public sealed record UnsubscribeResult(UnsubscribeOutcome Outcome, string? Address);

/// <summary>
/// Email addresses that are never sent to (unsubscribed or suppressed by hand), kept in the outbox's DuckDB file.
/// The email channel checks it before every send and records the message as suppressed instead.
/// </summary>
public sealed class SuppressionList(Outbox outbox, UnsubscribeTokens tokens)
{
    public UnsubscribeTokens Tokens { get; } = tokens;

    /// <summary>Addresses compare case-insensitively (the local part is case-sensitive by the RFC, but no provider treats it so).</summary>
    public static string Normalize(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        return address.Trim().ToLowerInvariant();
    }

    /// <summary>What the unsubscribe link's endpoint calls: suppresses the token's address if the token is genuine.</summary>
    public UnsubscribeResult Unsubscribe(string token)
    {
        if (!Tokens.TryRead(token, out var address))
        {
            return new UnsubscribeResult(UnsubscribeOutcome.InvalidToken, null);
        }

        return Suppress(address, "unsubscribed with the link")
            ? new UnsubscribeResult(UnsubscribeOutcome.Unsubscribed, address)
            : new UnsubscribeResult(UnsubscribeOutcome.AlreadySuppressed, address);
    }

    /// <summary>Suppresses <paramref name="address"/>; false when it already was (the first reason is kept).</summary>
    public bool Suppress(string address, string reason) =>
        outbox.Database.Execute(
            """
            INSERT INTO delivery_suppressions (address, reason, suppressed_at) VALUES ($address, $reason, $now)
            ON CONFLICT DO NOTHING
            """,
            ("address", Normalize(address)), ("reason", reason), ("now", OutboxDatabase.ToDb(outbox.Time.GetUtcNow()))) == 1;

    /// <summary>Lets mail go to <paramref name="address"/> again (a re-subscription). True if it was suppressed.</summary>
    public bool Remove(string address) =>
        outbox.Database.Execute("DELETE FROM delivery_suppressions WHERE address = $address", ("address", Normalize(address))) > 0;

    public bool IsSuppressed(string address) =>
        outbox.Database.Scalar("SELECT 1 FROM delivery_suppressions WHERE address = $address", ("address", Normalize(address))) is not null;

    /// <summary>Why and since when the address is suppressed, or null.</summary>
    public (string Reason, DateTimeOffset Since)? Find(string address) =>
        outbox.Database.Query(
            "SELECT reason, suppressed_at FROM delivery_suppressions WHERE address = $address",
            r => ((string Reason, DateTimeOffset Since)?)(r.GetString(0), OutboxDatabase.FromDb(r, 1)),
            ("address", Normalize(address))).SingleOrDefault();
}
