using System.Collections.Concurrent;
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
/// <remarks>
/// Live keys are cached in memory by hash: every ingestion request authenticates, and a DuckDB query per request
/// (~1 ms of CPU) was the largest fixed cost of a batch. Every change to a key goes through this class, and the
/// store file is open in one process only (DuckDB locks it), so clearing the cache on each change is enough for a
/// revoked key to fail on its very next request. With the workspace in PostgreSQL other nodes change keys too, so
/// nothing is cached there. Unknown secrets are not cached, so a flood of wrong keys cannot
/// fill memory; those requests pay the query (and the rate limiter).
/// </remarks>
public sealed class ApiKeyStore
{
    private readonly WorkspaceDb db;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, ApiKey> live = new(StringComparer.Ordinal);
    private readonly Lock cacheLock = new();

    /// <summary>Bumped by every change; a lookup that raced with a change does not cache what it read.</summary>
    private long generation;

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
        Invalidate();
        return (new ApiKey(id, name.Trim(), kind, prefix, now, null, null), secret);
    }

    /// <summary>The live key with this secret, or null (unknown or revoked).</summary>
    public ApiKey? Find(string secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200)
        {
            return null;
        }

        var hash = Hash(secret);
        // Several nodes (the workspace in PostgreSQL) revoke keys each on its own: a key revoked on one must fail on
        // the others at once, so none trusts its memory; each lookup is one indexed query.
        if (!db.SharedByNodes && live.TryGetValue(hash, out var cached))
        {
            return cached;
        }

        var seen = Interlocked.Read(ref generation);
        var key = db.Query(
            "SELECT id, name, kind, prefix, created_at, revoked_at, last_used_at FROM api_keys WHERE hash = $hash AND revoked_at IS NULL",
            Read, ("hash", hash)).FirstOrDefault();
        if (key is not null && !db.SharedByNodes)
        {
            lock (cacheLock)
            {
                // A revoke that ran between the query and here must win: then the key is not cached (and the next
                // request queries again).
                if (Interlocked.Read(ref generation) == seen)
                {
                    live[hash] = key;
                }
            }
        }

        return key;
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

        // The cached copy learns the new time too, or every request after the first minute would write again.
        // TryUpdate only replaces the entry it read, so a key revoked meanwhile is not put back.
        foreach (var (hash, cached) in live)
        {
            if (cached.Id == key.Id)
            {
                live.TryUpdate(hash, cached with { LastUsedAt = now }, cached);
            }
        }
    }

    public bool Revoke(long id)
    {
        try
        {
            return db.Execute("UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL", ("now", time.GetUtcNow()), ("id", id)) > 0;
        }
        finally
        {
            Invalidate();
        }
    }

    /// <summary>Forgets every cached key; called after any change to the api_keys table.</summary>
    private void Invalidate()
    {
        lock (cacheLock)
        {
            Interlocked.Increment(ref generation);
            live.Clear();
        }
    }

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
