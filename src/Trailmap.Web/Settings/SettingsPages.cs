using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Settings;

/// <summary>
/// /settings, for admins: members (add, change role, disable and enable) and API keys (create, list, revoke).
/// Every change is a form POST with the antiforgery token and ends in a redirect with a notice, or in the same
/// page again with the error and what was typed.
/// </summary>
public static class SettingsPages
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var settings = routes.MapGroup("/settings").RequireAuthorization(Policies.Admin).ExcludeFromDescription()
            .AddEndpointFilter(RequireAntiforgeryOnPost);

        settings.MapGet("/", () => Results.Redirect("/settings/members"));

        settings.MapGet("/members", (HttpContext context, UserStore users) => Members(context, users));

        settings.MapPost("/members", (HttpContext context, UserStore users, [FromForm] string? email, [FromForm] string? name, [FromForm] string? role, [FromForm] string? password) =>
        {
            if (!RoleNames.TryParse(role, out var r))
            {
                return Members(context, users, "Choose a role: viewer, editor or admin.", new NewMember(email, name, role));
            }

            try
            {
                var user = users.Create(email ?? "", name ?? "", password ?? "", r);
                return Notice("/settings/members", $"Added {user.Email} as {RoleNames.Of(user.Role)}. Give them their password in person or by another channel than this email.");
            }
            catch (AccountException e)
            {
                return Members(context, users, e.Message, new NewMember(email, name, role));
            }
        });

        settings.MapPost("/members/{id:long}/role", (HttpContext context, UserStore users, long id, [FromForm] string? role) =>
        {
            if (users.Find(id) is not { } user)
            {
                return Members(context, users, $"There is no member {id}; the list below is current.", status: StatusCodes.Status404NotFound);
            }

            if (!RoleNames.TryParse(role, out var r))
            {
                return Members(context, users, "Choose a role: viewer, editor or admin.");
            }

            if (IsSelf(context, user) && r != Role.Admin)
            {
                return Members(context, users, "You cannot remove your own admin role. Ask another admin to change it, so the workspace always keeps one.");
            }

            // Ends the member's sessions (they sign in again under the new role); an admin re-saving their own role keeps theirs.
            users.SetRole(id, r, keepSession: IsSelf(context, user) ? Security.WorkspaceAuth.SessionOf(context.User) : null);
            return Notice("/settings/members", $"{user.Email} is now {RoleNames.Of(r)}.");
        });

        settings.MapPost("/members/{id:long}/disable", (HttpContext context, UserStore users, long id) =>
            SetDisabled(context, users, id, disabled: true));

        settings.MapPost("/members/{id:long}/enable", (HttpContext context, UserStore users, long id) =>
            SetDisabled(context, users, id, disabled: false));

        settings.MapGet("/keys", (HttpContext context, ApiKeyStore keys) => Keys(context, keys));

        settings.MapPost("/keys", (HttpContext context, ApiKeyStore keys, [FromForm] string? name, [FromForm] string? kind) =>
        {
            if (!Enum.TryParse<ApiKeyKind>(kind, ignoreCase: true, out var k) || !Enum.IsDefined(k) || int.TryParse(kind, out _))
            {
                return Keys(context, keys, error: "Choose what the key may do: ingest, read or admin.", name: name);
            }

            if (string.IsNullOrWhiteSpace(name))
            {
                return Keys(context, keys, error: "Give the key a name that says where it is used, such as \"website tracking\".", kind: kind);
            }

            // The secret goes out in this response only (not in a redirect's URL, which browsers keep in history).
            var (key, secret) = keys.Create(name, k);
            context.Response.Headers.CacheControl = "no-store";
            return Keys(context, keys, created: new NewKey(key, secret));
        });

        settings.MapPost("/keys/{id:long}/revoke", (HttpContext context, ApiKeyStore keys, long id) =>
        {
            var key = keys.All().FirstOrDefault(k => k.Id == id);
            if (key is null || !keys.Revoke(id))
            {
                return Keys(context, keys, error: key is null ? $"There is no key {id}; the list below is current." : $"The key \"{key.Name}\" was already revoked.");
            }

            return Notice("/settings/keys", $"Revoked the key \"{key.Name}\". Requests with it are refused from now on.");
        });
    }

    private static IResult SetDisabled(HttpContext context, UserStore users, long id, bool disabled)
    {
        if (users.Find(id) is not { } user)
        {
            return Members(context, users, $"There is no member {id}; the list below is current.", status: StatusCodes.Status404NotFound);
        }

        if (disabled && IsSelf(context, user))
        {
            return Members(context, users, "You cannot disable your own account. Ask another admin if it must be disabled.");
        }

        users.SetDisabled(id, disabled);
        return Notice("/settings/members", disabled
            ? $"Disabled {user.Email}: they are signed out and cannot sign in until enabled again."
            : $"Enabled {user.Email}: they can sign in again.");
    }

    private static IResult Members(HttpContext context, UserStore users, string? error = null, NewMember? draft = null, int? status = null) =>
        Page.Render<MembersPage>(context, new
        {
            Members = users.All(),
            Self = SelfId(context),
            Error = error,
            Draft = draft ?? new NewMember(null, null, "viewer"),
        }, status ?? (error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest));

    private static IResult Keys(HttpContext context, ApiKeyStore keys, string? error = null, NewKey? created = null, string? name = null, string? kind = null) =>
        Page.Render<KeysPage>(context, new
        {
            Keys = keys.All(),
            Error = error,
            Created = created,
            Name = name,
            Kind = kind,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static IResult Notice(string path, string notice) => Results.Redirect(path + "?notice=" + Uri.EscapeDataString(notice));

    /// <summary>The signed-in member's id; null for an admin API key, which is nobody's account.</summary>
    private static long? SelfId(HttpContext context) =>
        long.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static bool IsSelf(HttpContext context, WorkspaceUser user) => SelfId(context) == user.Id;

    /// <summary>
    /// Form-bound endpoints check the token on their own; this covers the POSTs that bind no field (disable,
    /// enable, revoke), which the framework would otherwise let through without one.
    /// </summary>
    private static async ValueTask<object?> RequireAntiforgeryOnPost(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            var antiforgery = context.RequestServices.GetService(typeof(IAntiforgery)) as IAntiforgery;
            if (antiforgery is null || !await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                return Results.Problem(
                    title: "The form expired",
                    detail: "This form's security token is missing or stale. Go back, reload the page and submit it again.",
                    statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return await next(invocation).ConfigureAwait(false);
    }
}

/// <summary>What was typed into the add-member form, shown again after an error (never the password).</summary>
public sealed record NewMember(string? Email, string? Name, string? Role);

/// <summary>A key just created: the only time its secret exists outside the client.</summary>
public sealed record NewKey(ApiKey Key, string Secret);
