using System.Security.Cryptography;
using Trailmap.Web.State;

namespace Trailmap.Web.Interventions;

/// <summary>
/// Secrets the workspace makes for itself and keeps in its own DuckDB file (table workspace_secrets), so they survive
/// restarts without a setting to configure: made once from 32 random bytes, then read back forever. Whoever holds
/// the database file holds them, as they hold everything else in it.
/// </summary>
public sealed class WorkspaceSecrets
{
    /// <summary>The key that signs unsubscribe links (<see cref="Trailmap.Delivery.UnsubscribeTokens"/>).</summary>
    public const string Unsubscribe = "unsubscribe";

    private readonly WorkspaceDb db;
    private readonly TimeProvider time;

    public WorkspaceSecrets(WorkspaceDb db, TimeProvider time)
    {
        this.db = db;
        this.time = time;
        db.Ensure("""
            CREATE TABLE IF NOT EXISTS workspace_secrets (
                name VARCHAR PRIMARY KEY,
                value VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )
            """);
    }

    /// <summary>The secret called <paramref name="name"/>, made on first use.</summary>
    public string GetOrCreate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // Insert-if-missing then read: two first uses at once both read the one that won.
        var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        db.Execute(
            "INSERT INTO workspace_secrets (name, value, created_at) VALUES ($name, $value, $now) ON CONFLICT DO NOTHING",
            ("name", name), ("value", fresh), ("now", time.GetUtcNow()));
        return db.Scalar<string>("SELECT value FROM workspace_secrets WHERE name = $name", ("name", name))!;
    }
}
