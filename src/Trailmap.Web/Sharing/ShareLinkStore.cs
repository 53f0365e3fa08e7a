using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Trailmap.Web.State;

namespace Trailmap.Web.Sharing;

/// <summary>A live or dead read-only link to one journey. The token itself is not here: only its hash is stored.</summary>
public sealed record ShareLink(
    long Id,
    long JourneyId,
    string Label,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    ShareReveal Reveals = ShareReveal.None);

/// <summary>What a live token opens: the journey, and what of it the link reveals.</summary>
public sealed record ShareGrant(long JourneyId, ShareReveal Reveals);

/// <summary>
/// Share links: a random token in a URL opens one journey's measured map read-only, without signing in. Tokens are
/// 32 random bytes (256 bits) in base64url, stored as their SHA-256 hash and shown once, like API keys: a copy of
/// the database (a backup, a laptop) then opens nothing, and a fast hash is safe because 256 random bits cannot be
/// guessed. The price is that a lost URL cannot be shown again; make a new link and revoke the old one.
/// </summary>
public sealed class ShareLinkStore
{
    /// <summary>Length of a token: 32 bytes in unpadded base64url.</summary>
    public const int TokenLength = 43;

    /// <summary>The longest expiry offered (ten years); "never" is a link without an expiry.</summary>
    public const int MaxExpiryDays = 3650;

    private readonly WorkspaceDb db;
    private readonly TimeProvider time;

    public ShareLinkStore(WorkspaceDb db, TimeProvider time)
    {
        this.db = db;
        this.time = time;
        db.Ensure("""
            CREATE TABLE IF NOT EXISTS share_links (
                id         BIGINT PRIMARY KEY,
                journey_id BIGINT NOT NULL,
                token_hash VARCHAR NOT NULL UNIQUE,
                label      VARCHAR NOT NULL,
                created_by VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP,
                revoked_at TIMESTAMP,
                revoked_by VARCHAR,
                reveals    VARCHAR)
            """);

        // Workspaces from before share-link options: their links keep revealing nothing beyond the map's structure.
        db.Ensure("ALTER TABLE share_links ADD COLUMN IF NOT EXISTS reveals VARCHAR");
    }

    /// <summary>Creates a link and returns it with its token, which is not stored and cannot be shown again.</summary>
    public (ShareLink Link, string Token) Create(long journeyId, string createdBy, string? label, TimeSpan? lifetime, ShareReveal reveals = ShareReveal.None)
    {
        if (lifetime is { } l && (l <= TimeSpan.Zero || l > TimeSpan.FromDays(MaxExpiryDays)))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), $"A link expires after 1 to {MaxExpiryDays} days, or never.");
        }

        var token = NewToken();
        var now = time.GetUtcNow();
        var expires = lifetime is { } span ? now + span : (DateTimeOffset?)null;
        var text = (label ?? "").Trim();
        text = text.Length > 200 ? text[..200] : text;
        var id = db.InTransaction(tx =>
        {
            var next = tx.Scalar<long>("SELECT coalesce(max(id), 0) + 1 FROM share_links");
            tx.Execute(
                "INSERT INTO share_links (id, journey_id, token_hash, label, created_by, created_at, expires_at, reveals) VALUES ($id, $journey, $hash, $label, $by, $created, $expires, $reveals)",
                ("id", next), ("journey", journeyId), ("hash", Hash(token)), ("label", text), ("by", createdBy), ("created", now), ("expires", expires),
                ("reveals", ShareRedaction.Format(reveals)));
            return next;
        });
        return (new ShareLink(id, journeyId, text, createdBy, now, expires, null, null, reveals), token);
    }

    /// <summary>The journey a live token opens and what it reveals, or null when the token is unknown, revoked or expired (callers cannot tell which).</summary>
    public ShareGrant? Resolve(string? token)
    {
        if (!LooksLikeToken(token))
        {
            return null;
        }

        return db.Query(
            "SELECT journey_id, reveals FROM share_links WHERE token_hash = $hash AND " + IsLive,
            r => new ShareGrant(r.GetInt64(0), ShareRedaction.Parse(r.IsDBNull(1) ? null : r.GetString(1))),
            ("hash", Hash(token!)), ("now", time.GetUtcNow())).FirstOrDefault();
    }

    /// <summary>A journey's links that still work, newest first.</summary>
    public IReadOnlyList<ShareLink> Live(long journeyId) => db.Query(
        "SELECT id, journey_id, label, created_by, created_at, expires_at, revoked_at, revoked_by, reveals FROM share_links WHERE journey_id = $journey AND "
        + IsLive + " ORDER BY created_at DESC, id DESC",
        Read, ("journey", journeyId), ("now", time.GetUtcNow()));

    /// <summary>Stops a link of this journey from working; false when there is no such live link.</summary>
    public bool Revoke(long journeyId, long id, string revokedBy) => db.Execute(
        "UPDATE share_links SET revoked_at = $now, revoked_by = $by WHERE id = $id AND journey_id = $journey AND revoked_at IS NULL",
        ("now", time.GetUtcNow()), ("by", revokedBy), ("id", id), ("journey", journeyId)) > 0;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>32 bytes from the operating system's CSPRNG: 256 bits, so guessing a live link is hopeless.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    // Live at `now` means not revoked and not yet expired: a link expiring at 12:00 stops working at 12:00 exactly.
    private const string IsLive = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $now)";

    private static bool LooksLikeToken(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static ShareLink Read(System.Data.Common.DbDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), WorkspaceDb.Utc(r, 4),
        WorkspaceDb.UtcOrNull(r, 5), WorkspaceDb.UtcOrNull(r, 6), r.IsDBNull(7) ? null : r.GetString(7),
        ShareRedaction.Parse(r.IsDBNull(8) ? null : r.GetString(8)));
}
