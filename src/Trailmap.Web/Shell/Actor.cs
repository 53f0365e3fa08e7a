using System.Security.Claims;

namespace Trailmap.Web.Shell;

/// <summary>Who did something, as history records it: a member's email, or "API key NAME".</summary>
public static class Actor
{
    public static string Of(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Email)
        ?? (user.FindFirstValue(ClaimTypes.Name) is { } key ? "API key " + key : "unknown");
}
