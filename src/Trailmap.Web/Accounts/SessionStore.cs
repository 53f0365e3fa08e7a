using System.Security.Cryptography;
using System.Text;
using Trailmap.Web.State;

namespace Trailmap.Web.Accounts;

/// <summary>
/// Sign-in sessions kept in the workspace file. The cookie names a session; a session that is no longer here (signed
/// out, or ended by a password or role change, or by disabling the member) stops the cookie working at once, even a
/// copy of it. Only a SHA-256 hash of each session id is stored, so reading the file does not yield a usable session.
/// </summary>
public sealed class SessionStore
{
    /// <summary>A session unused this long ends, like the cookie that carries it.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromDays(14);

    /// <summary>How often a session's last use is written: often enough for expiry, rarely enough to cost nothing per request.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromHours(1);

    private readonly WorkspaceDb db;
    private readonly TimeProvider time;

    public SessionStore(WorkspaceDb db, TimeProvider time)
    {
        this.db = db;
        this.time = time;
        db.Ensure("""
            CREATE TABLE IF NOT EXISTS sessions (
                id_hash    VARCHAR PRIMARY KEY,
                user_id    BIGINT NOT NULL,
                created_at TIMESTAMP NOT NULL,
                last_seen  TIMESTAMP NOT NULL)
            """);
    }

    /// <summary>Starts a session for a member and returns its id (for the cookie only); drops sessions idle too long.</summary>
    public string Start(long userId)
    {
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        db.InTransaction(tx =>
        {
            tx.Execute("DELETE FROM sessions WHERE last_seen < $cutoff", ("cutoff", now - IdleLifetime));
            return tx.Execute("INSERT INTO sessions VALUES ($h, $user, $now, $now)", ("h", Hash(id)), ("user", userId), ("now", now));
        });
        return id;
    }

    /// <summary>The member a live session belongs to, or null for an ended, expired or unknown one.</summary>
    public long? Find(string id)
    {
        var hash = Hash(id);
        var now = time.GetUtcNow();
        var row = db.Query(
            "SELECT user_id, last_seen FROM sessions WHERE id_hash = $h",
            r => (User: r.GetInt64(0), LastSeen: WorkspaceDb.Utc(r, 1)),
            ("h", hash)).FirstOrDefault();
        if (row.User == 0 || now - row.LastSeen > IdleLifetime)
        {
            return null;
        }

        if (now - row.LastSeen > TouchEvery)
        {
            db.Execute("UPDATE sessions SET last_seen = $now WHERE id_hash = $h", ("now", now), ("h", hash));
        }

        return row.User;
    }

    /// <summary>Ends one session: sign-out.</summary>
    public void End(string id) => db.Execute("DELETE FROM sessions WHERE id_hash = $h", ("h", Hash(id)));

    /// <summary>Ends every session of a member, except <paramref name="keep"/> (the one that made the change).</summary>
    public int EndAll(long userId, string? keep = null) => keep is null
        ? db.Execute("DELETE FROM sessions WHERE user_id = $user", ("user", userId))
        : db.Execute("DELETE FROM sessions WHERE user_id = $user AND id_hash <> $keep", ("user", userId), ("keep", Hash(keep)));

    public int CountFor(long userId) => (int)db.Scalar<long>("SELECT count(*) FROM sessions WHERE user_id = $user", ("user", userId));

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
