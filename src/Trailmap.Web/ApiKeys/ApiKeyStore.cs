using System.Security.Cryptography;
using System.Text;
using Trailmap.Web.State;

namespace Trailmap.Web.ApiKeys;

/// <summary>What a key may do: send events only, read the workspace, or administer it.</summary>
public enum ApiKeyKind
{
    /// <summary>A write key for the Segment-compatible ingestion API; it reads nothing.</summary>
    Ingest = 1,

    /// <summary>Reads journeys and analytics through the REST API, like a viewer.</summary>
    Read = 2,

    /// <summary>Everything an admin may do through the REST API.</summary>
    Admin = 3,
}

public sealed record ApiKey(long Id, string Name, ApiKeyKind Kind, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// API keys, stored as SHA-256 hashes: the secret is shown once at creation and never again. A key has 192 random
/// bits, so a fast hash is safe here (unlike passwords, which are guessable and go through PasswordHasher).
/// </summary>
public sealed class ApiKeyStore
{
    private readonly WorkspaceDb db;
    private readonly TimeProvider time;

    public ApiKeyStore(WorkspaceDb db, TimeProvider time)
    {
        this.db = db;
        this.time = time;
        db.Ensure("""
            CREATE TABLE IF NOT EXISTS api_keys (
                id           BIGINT PRIMARY KEY,
                name         VARCHAR NOT NULL,
                kind         VARCHAR NOT NULL,
                prefix       VARCHAR NOT NULL,
                hash         VARCHAR NOT NULL UNIQUE,
                created_at   TIMESTAMP NOT NULL,
                revoked_at   TIMESTAMP,
                last_used_at TIMESTAMP)
            """);
    }

    /// <summary>Creates a key and returns it with its secret, which is not stored and cannot be shown again.</summary>
    public (ApiKey Key, string Secret) Create(string name, ApiKeyKind kind)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("Give the key a name that says where it is used, such as \"website tracking\".", nameof(name));
        }

        var secret = "tm_" + kind.ToString().ToLowerInvariant() + "_" + Base62(RandomNumberGenerator.GetBytes(24));
        var prefix = secret[..(secret.LastIndexOf('_') + 5)];
        var now = time.GetUtcNow();
        var id = db.InTransaction(tx =>
        {
            var next = tx.Scalar<long>("SELECT coalesce(max(id), 0) + 1 FROM api_keys");
            tx.Execute(
                "INSERT INTO api_keys VALUES ($id, $name, $kind, $prefix, $hash, $created, NULL, NULL)",
                ("id", next), ("name", name.Trim()), ("kind", kind.ToString()), ("prefix", prefix), ("hash", Hash(secret)), ("created", now));
            return next;
        });
        return (new ApiKey(id, name.Trim(), kind, prefix, now, null, null), secret);
    }

    /// <summary>The live key with this secret, or null (unknown or revoked).</summary>
    public ApiKey? Find(string secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200)
        {
            return null;
        }

        return db.Query(
            "SELECT id, name, kind, prefix, created_at, revoked_at, last_used_at FROM api_keys WHERE hash = $hash AND revoked_at IS NULL",
            Read, ("hash", Hash(secret))).FirstOrDefault();
    }

    public IReadOnlyList<ApiKey> All() =>
        db.Query("SELECT id, name, kind, prefix, created_at, revoked_at, last_used_at FROM api_keys ORDER BY id", Read);

    /// <summary>
    /// Records that the key was just used, at most once a minute per key: "last used" needs minutes, not every
    /// request, and an ingestion client sending hundreds of batches a second must not cost a write each.
    /// </summary>
    public void Touch(ApiKey key)
    {
        var now = time.GetUtcNow();
        if (key.LastUsedAt is { } last && now - last < TimeSpan.FromMinutes(1))
        {
            return;
        }

        db.Execute("UPDATE api_keys SET last_used_at = $now WHERE id = $id", ("now", now), ("id", key.Id));
    }

    public bool Revoke(long id) =>
        db.Execute("UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL", ("now", time.GetUtcNow()), ("id", id)) > 0;

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base62(byte[] bytes)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var n = new System.Numerics.BigInteger(bytes, isUnsigned: true);
        var text = new StringBuilder();
        while (n > 0)
        {
            text.Insert(0, alphabet[(int)(n % 62)]);
            n /= 62;
        }

        return text.ToString().PadLeft(33, '0');
    }

    private static ApiKey Read(System.Data.Common.DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), Enum.Parse<ApiKeyKind>(r.GetString(2)), r.GetString(3),
        WorkspaceDb.Utc(r, 4), WorkspaceDb.UtcOrNull(r, 5), WorkspaceDb.UtcOrNull(r, 6));
}
