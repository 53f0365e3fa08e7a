using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
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

    /// <summary>The claim that names the cookie's server-side session (see <see cref="SessionStore"/>).</summary>
    public const string SessionClaim = "trailmap:session";

    public static void Add(IServiceCollection services, WorkspaceOptions workspace)
    {
        // Keys in the workspace file, under one application name: a cookie issued before a restart or a move of the
        // file (or of the program) still opens.
        services.AddDataProtection().SetApplicationName("trailmap");
        services.AddSingleton<WorkspaceKeyRing>();
        services.AddOptions<KeyManagementOptions>().Configure<WorkspaceKeyRing>((o, ring) => o.XmlRepository = ring);

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
                options.Cookie.SecurePolicy = TrustedProxies.CookiePolicy(workspace);
                options.ExpireTimeSpan = SessionStore.IdleLifetime;
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

    /// <summary>The identity a signed-in member's cookie carries, naming its server-side session.</summary>
    public static ClaimsPrincipal Principal(WorkspaceUser user, string session) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.Name),
            new Claim(ClaimTypes.Email, user.Email),
            new Claim(ClaimTypes.Role, RoleNames.Of(user.Role)),
            new Claim(SessionClaim, session),
        ],
        CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>Starts a server-side session for the member and sets the cookie that names it.</summary>
    public static Task SignInAsync(HttpContext context, WorkspaceUser user)
    {
        var session = context.RequestServices.GetRequiredService<SessionStore>().Start(user.Id);
        return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(user, session));
    }

    /// <summary>Ends the caller's session on the server (so a copy of the cookie stops working too) and clears the cookie.</summary>
    public static Task SignOutAsync(HttpContext context)
    {
        if (SessionOf(context.User) is { } session)
        {
            context.RequestServices.GetRequiredService<SessionStore>().End(session);
        }

        return context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>The session a signed-in member's cookie names; null for API keys and anonymous callers.</summary>
    public static string? SessionOf(ClaimsPrincipal user) => user.FindFirst(SessionClaim)?.Value;

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

    /// <summary>
    /// Every request checks the cookie's session on the server: a session ended by sign-out, a password or role
    /// change or disabling the member is refused at once, and so is a removed member's.
    /// </summary>
    private static async Task Revalidate(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserStore>();
        var id = context.Principal?.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var session = context.Principal is { } principal ? SessionOf(principal) : null;
        var owner = session is null ? null : services.GetRequiredService<SessionStore>().Find(session);
        var user = long.TryParse(id, out var n) && owner == n ? users.Find(n) : null;
        if (user is null || user.Disabled)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return;
        }

        if (RoleOf(context.Principal!) != user.Role)
        {
            context.ReplacePrincipal(Principal(user, session!));
            context.ShouldRenew = true;
        }
    }
}
