using Microsoft.AspNetCore.Identity;
using Trailmap.Web.State;

namespace Trailmap.Web.Accounts;

/// <summary>A workspace member as stored; the password only as ASP.NET Core's PasswordHasher hash.</summary>
public sealed record WorkspaceUser(long Id, string Email, string Name, Role Role, DateTimeOffset CreatedAt, bool Disabled);

/// <summary>Members of the workspace: the first run creates the admin, admins add the rest.</summary>
public sealed class UserStore
{
    private readonly WorkspaceDb db;
    private readonly TimeProvider time;
    private readonly SessionStore sessions;
    private readonly PasswordHasher<WorkspaceUser> hasher = new();

    public UserStore(WorkspaceDb db, TimeProvider time, SessionStore sessions)
    {
        this.db = db;
        this.time = time;
        this.sessions = sessions;
        db.Ensure("""
            CREATE TABLE IF NOT EXISTS users (
                id            BIGINT PRIMARY KEY,
                email         VARCHAR NOT NULL UNIQUE,
                name          VARCHAR NOT NULL,
                password_hash VARCHAR NOT NULL,
                role          VARCHAR NOT NULL,
                created_at    TIMESTAMP NOT NULL,
                disabled      BOOLEAN NOT NULL DEFAULT false)
            """);
    }

    /// <summary>Shortest password accepted; long passphrases are what keeps accounts safe.</summary>
    public const int MinPasswordLength = 10;

    public bool Any() => db.Scalar<long>("SELECT count(*) FROM users") > 0;

    public IReadOnlyList<WorkspaceUser> All() =>
        db.Query("SELECT id, email, name, role, created_at, disabled FROM users ORDER BY id", Read);

    public WorkspaceUser? Find(long id) =>
        db.Query("SELECT id, email, name, role, created_at, disabled FROM users WHERE id = $id", Read, ("id", id)).FirstOrDefault();

    public WorkspaceUser? FindByEmail(string email) =>
        db.Query("SELECT id, email, name, role, created_at, disabled FROM users WHERE email = $email", Read, ("email", Normalize(email))).FirstOrDefault();

    /// <summary>Adds a member; throws <see cref="AccountException"/> with a message for the form on bad input.</summary>
    public WorkspaceUser Create(string email, string name, string password, Role role) =>
        Insert(email, name, password, role, onlyIfFirst: false)!;

    /// <summary>
    /// First-run setup: adds the admin only if the workspace has no member yet, deciding that in the same
    /// transaction as the insert, so of any number of concurrent setups exactly one succeeds. Null when someone
    /// else was first.
    /// </summary>
    public WorkspaceUser? CreateFirstAdmin(string email, string name, string password) =>
        Insert(email, name, password, Role.Admin, onlyIfFirst: true);

    /// <summary>Checks a new password; throws <see cref="AccountException"/> saying what to choose instead.</summary>
    public static void CheckPassword(string password)
    {
        if (password.Length < MinPasswordLength)
        {
            throw new AccountException($"Choose a password of at least {MinPasswordLength} characters.");
        }

        if (CommonPasswords.Contains(password))
        {
            throw new AccountException("That password is one of the most common passwords, which attackers try first. Choose another, such as a few unrelated words.");
        }
    }

    /// <summary>
    /// Changes a member's own password after checking the current one, and ends their other sessions (a session
    /// someone else holds ends with the old password). Throws <see cref="AccountException"/> on a wrong current
    /// password or a refused new one.
    /// </summary>
    public void ChangePassword(long id, string current, string replacement, string? keepSession)
    {
        var user = Find(id) ?? throw new AccountException("This account no longer exists.");
        if (Verify(user.Email, current) is null)
        {
            throw new AccountException("The current password is not right.");
        }

        CheckPassword(replacement);
        db.Execute("UPDATE users SET password_hash = $hash WHERE id = $id", ("hash", hasher.HashPassword(user, replacement)), ("id", id));
        sessions.EndAll(id, keepSession);
    }

    private WorkspaceUser? Insert(string email, string name, string password, Role role, bool onlyIfFirst)
    {
        email = Normalize(email);
        if (email.Length is 0 or > 254 || !email.Contains('@', StringComparison.Ordinal))
        {
            throw new AccountException("Enter an email address like name@example.com.");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            name = email.Split('@')[0];
        }

        CheckPassword(password);
        var now = time.GetUtcNow();
        var draft = new WorkspaceUser(0, email, name.Trim(), role, now, false);
        var hash = hasher.HashPassword(draft, password);

        // The checks and the insert share one transaction under the connection's lock: two requests cannot both
        // see "no members yet" or "no such email" and then both insert.
        var id = db.InTransaction(tx =>
        {
            if (onlyIfFirst && tx.Scalar<long>("SELECT count(*) FROM users") > 0)
            {
                return 0L;
            }

            if (tx.Scalar<long>("SELECT count(*) FROM users WHERE email = $email", ("email", email)) > 0)
            {
                throw new AccountException($"{email} is already a member of this workspace.");
            }

            var next = tx.Scalar<long>("SELECT coalesce(max(id), 0) + 1 FROM users");
            tx.Execute(
                "INSERT INTO users VALUES ($id, $email, $name, $hash, $role, $created, false)",
                ("id", next), ("email", email), ("name", draft.Name), ("hash", hash), ("role", RoleNames.Of(role)), ("created", now));
            return next;
        });
        return id == 0 ? null : draft with { Id = id };
    }

    /// <summary>The member whose password matches, or null; a disabled member never signs in.</summary>
    public WorkspaceUser? Verify(string email, string password)
    {
        var row = db.Query(
            "SELECT id, email, name, role, created_at, disabled, password_hash FROM users WHERE email = $email",
            r => (User: Read(r), Hash: r.GetString(6)),
            ("email", Normalize(email))).FirstOrDefault();
        if (row.User is null || row.User.Disabled)
        {
            // Hash anyway so a missing account takes as long as a wrong password.
            hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            return null;
        }

        var result = hasher.VerifyHashedPassword(row.User, row.Hash, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            db.Execute("UPDATE users SET password_hash = $hash WHERE id = $id", ("hash", hasher.HashPassword(row.User, password)), ("id", row.User.Id));
        }

        return result == PasswordVerificationResult.Failed ? null : row.User;
    }

    /// <summary>
    /// Changes a member's role and ends their sessions other than <paramref name="keepSession"/>: they sign in again
    /// and get the new role's pages, and a session someone copied under the old role is gone.
    /// </summary>
    public void SetRole(long id, Role role, string? keepSession = null)
    {
        var changed = db.Execute("UPDATE users SET role = $role WHERE id = $id AND role <> $role", ("role", RoleNames.Of(role)), ("id", id));
        if (changed > 0)
        {
            sessions.EndAll(id, keepSession);
        }
    }

    /// <summary>Disables (and signs out everywhere) or enables a member.</summary>
    public void SetDisabled(long id, bool disabled)
    {
        db.Execute("UPDATE users SET disabled = $d WHERE id = $id", ("d", disabled), ("id", id));
        if (disabled)
        {
            sessions.EndAll(id);
        }
    }

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<WorkspaceUser>().HashPassword(null!, "not a password"));

    private static string Normalize(string email) => email.Trim().ToLowerInvariant();

    private static WorkspaceUser Read(System.Data.Common.DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2),
        RoleNames.TryParse(r.GetString(3), out var role) ? role : Role.Viewer,
        WorkspaceDb.Utc(r, 4), r.GetBoolean(5));
}

/// <summary>Bad input to an account operation; the message is shown to the user as is.</summary>
public sealed class AccountException(string message) : Exception(message);
