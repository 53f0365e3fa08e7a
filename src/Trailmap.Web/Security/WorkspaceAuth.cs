using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;

namespace Trailmap.Web.Security;

/// <summary>
/// Who may do what: members sign in with a cookie, programs use API keys. Policies are by role, and each role
/// includes the ones below it (viewer &lt; editor &lt; admin). Write keys satisfy only the ingestion policy.
/// </summary>
public static class WorkspaceAuth
{
    /// <summary>The default scheme: forwards to the API key handler or the cookie.</summary>
    public const string Scheme = "workspace";

    public static void Add(IServiceCollection services)
    {
        // One default scheme that picks per request: a request with an Authorization header is a program with a
        // key, anything else a browser with a cookie. Challenges then go to exactly one of them (401 or redirect).
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/signin";
                options.LogoutPath = "/signout";
                options.AccessDeniedPath = "/forbidden";
                options.Cookie.Name = "trailmap.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromDays(14);
                options.SlidingExpiration = true;
                options.Events = new CookieAuthenticationEvents
                {
                    // Programs get status codes, people get the sign-in page.
                    OnRedirectToLogin = context => Redirect(context, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = context => Redirect(context, StatusCodes.Status403Forbidden),
                    OnValidatePrincipal = Revalidate,
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Viewer, p => Members(p).RequireRole(Names(Role.Viewer)))
            .AddPolicy(Policies.Editor, p => Members(p).RequireRole(Names(Role.Editor)))
            .AddPolicy(Policies.Admin, p => Members(p).RequireRole(Names(Role.Admin)))
            .AddPolicy(Policies.Ingest, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireClaim(ApiKeyAuthenticationHandler.KindClaim, nameof(ApiKeyKind.Ingest)));
    }

    /// <summary>The identity a signed-in member's cookie carries.</summary>
    public static ClaimsPrincipal Principal(WorkspaceUser user) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.Name),
            new Claim(ClaimTypes.Email, user.Email),
            new Claim(ClaimTypes.Role, RoleNames.Of(user.Role)),
        ],
        CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>The member's role from the principal, or null for an anonymous caller or a write key.</summary>
    public static Role? RoleOf(ClaimsPrincipal user) =>
        user.FindFirst(ClaimTypes.Role)?.Value is { } r && RoleNames.TryParse(r, out var role) ? role : null;

    private static AuthorizationPolicyBuilder Members(AuthorizationPolicyBuilder p) => p.RequireAuthenticatedUser();

    /// <summary>The role names that satisfy <paramref name="least"/>: it and every role above it.</summary>
    private static string[] Names(Role least) =>
        [.. Enum.GetValues<Role>().Where(r => r >= least).Select(RoleNames.Of)];

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApi(context.Request.Path))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    public static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/v1") || path.StartsWithSegments("/openapi");

    /// <summary>A removed, disabled or re-roled member's open sessions follow the change on their next request.</summary>
    private static async Task Revalidate(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        var id = context.Principal?.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var user = long.TryParse(id, out var n) ? users.Find(n) : null;
        if (user is null || user.Disabled)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return;
        }

        if (RoleOf(context.Principal!) != user.Role)
        {
            context.ReplacePrincipal(Principal(user));
            context.ShouldRenew = true;
        }
    }
}
