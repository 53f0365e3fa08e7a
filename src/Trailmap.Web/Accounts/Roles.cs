namespace Trailmap.Web.Accounts;

/// <summary>
/// A workspace member's role. Each includes the ones before it: a viewer reads, an editor also changes journeys
/// and imports data, an admin also manages members, API keys and share links' owners.
/// </summary>
public enum Role
{
    Viewer = 1,
    Editor = 2,
    Admin = 3,
}

/// <summary>The authorization policies every endpoint names; see <see cref="Security.WorkspaceAuth"/>.</summary>
public static class Policies
{
    /// <summary>Signed-in members of any role, and read or admin API keys.</summary>
    public const string Viewer = "viewer";

    /// <summary>Editors and admins.</summary>
    public const string Editor = "editor";

    /// <summary>Admins and admin API keys.</summary>
    public const string Admin = "admin";

    /// <summary>Ingestion write keys (and nothing else: a write key reads nothing).</summary>
    public const string Ingest = "ingest";
}

public static class RoleNames
{
    public static string Of(Role role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out Role role) =>
        Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
}
