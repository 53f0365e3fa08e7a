using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Trailmap.Web.Security;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Accounts;

/// <summary>First-run setup, sign in and sign out.</summary>
public static class AccountEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", (UserStore users) => Results.Redirect(users.Any() ? "/journeys" : "/setup")).AllowAnonymous().ExcludeFromDescription();

        routes.MapGet("/setup", (HttpContext context, UserStore users, WorkspaceOptions options) =>
            users.Any() ? Results.Redirect("/signin") : (IResult)Page.Render<SetupPage>(context, new { NeedsToken = options.SetupToken is not null }))
            .AllowAnonymous().ExcludeFromDescription();

        routes.MapPost("/setup", async (HttpContext context, UserStore users, WorkspaceOptions options, [FromForm] string? email, [FromForm] string? name, [FromForm] string? password, [FromForm] string? token) =>
        {
            if (users.Any())
            {
                return Results.Redirect("/signin");
            }

            var needsToken = options.SetupToken is not null;
            if (needsToken && !SetupToken.Matches(options.SetupToken!, token))
            {
                return Page.Render<SetupPage>(
                    context,
                    new { Error = "The setup token does not match. Copy it from the output of trailmap serve on the server (the line that says \"setup token\").", Email = email, Name = name, NeedsToken = needsToken },
                    StatusCodes.Status403Forbidden);
            }

            try
            {
                if (users.CreateFirstAdmin(email ?? "", name ?? "", password ?? "") is not { } user)
                {
                    // Someone else's setup won the race: exactly one first admin, ever.
                    return Results.Redirect("/signin");
                }

                await WorkspaceAuth.SignInAsync(context, user).ConfigureAwait(false);
                return Results.Redirect("/journeys?notice=" + Uri.EscapeDataString("Welcome! Create your first journey from a template."));
            }
            catch (AccountException e)
            {
                return Page.Render<SetupPage>(context, new { Error = e.Message, Email = email, Name = name, NeedsToken = needsToken }, StatusCodes.Status400BadRequest);
            }
        }).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();

        routes.MapGet("/signin", (HttpContext context, UserStore users, string? returnUrl) =>
            !users.Any() ? Results.Redirect("/setup") : (IResult)Page.Render<SignInPage>(context, new { ReturnUrl = returnUrl }))
            .AllowAnonymous().ExcludeFromDescription();

        routes.MapPost("/signin", async (HttpContext context, UserStore users, SignInThrottle throttle, [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl) =>
        {
            email ??= "";
            if (throttle.Wait(email) is { } wait)
            {
                return Page.Render<SignInPage>(context, new { Error = TooManyFailures(context, wait), Email = email, ReturnUrl = returnUrl }, StatusCodes.Status429TooManyRequests);
            }

            var user = users.Verify(email, password ?? "");
            if (user is null)
            {
                throttle.Failed(email);
                return Page.Render<SignInPage>(
                    context,
                    new { Error = "That email and password do not match a member of this workspace.", Email = email, ReturnUrl = returnUrl },
                    StatusCodes.Status401Unauthorized);
            }

            throttle.Succeeded(email);
            await WorkspaceAuth.SignInAsync(context, user).ConfigureAwait(false);
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/journeys");
        }).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();

        routes.MapPost("/signout", async (HttpContext context) =>
        {
            await WorkspaceAuth.SignOutAsync(context).ConfigureAwait(false);
            return Results.Redirect("/signin");
        }).AllowAnonymous().ExcludeFromDescription();

        routes.MapGet("/account", (HttpContext context) => Page.Render<AccountPage>(context))
            .RequireAuthorization(Policies.Viewer).ExcludeFromDescription();

        routes.MapPost("/account/password", (HttpContext context, UserStore users, SignInThrottle throttle, [FromForm] string? current, [FromForm] string? password) =>
        {
            // Only a member's own session changes its password; an API key is nobody's account.
            if (WorkspaceAuth.SessionOf(context.User) is not { } session
                || !long.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.CultureInfo.InvariantCulture, out var id)
                || context.User.FindFirstValue(ClaimTypes.Email) is not { } email)
            {
                return Page.Render<AccountPage>(context, new { Error = "Sign in with your email and password to change it." }, StatusCodes.Status403Forbidden);
            }

            // The current password is a guess like any other: the same per-account backoff as sign-in.
            if (throttle.Wait(email) is { } wait)
            {
                return Page.Render<AccountPage>(context, new { Error = TooManyFailures(context, wait) }, StatusCodes.Status429TooManyRequests);
            }

            try
            {
                users.ChangePassword(id, current ?? "", password ?? "", keepSession: session);
                throttle.Succeeded(email);
                return Results.Redirect("/account?notice=" + Uri.EscapeDataString("Password changed. Every other session of yours is signed out."));
            }
            catch (AccountException e)
            {
                if (users.Verify(email, current ?? "") is null)
                {
                    throttle.Failed(email);
                }

                return Page.Render<AccountPage>(context, new { Error = e.Message }, StatusCodes.Status400BadRequest);
            }
        }).RequireAuthorization(Policies.Viewer).RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();

        routes.MapGet("/forbidden", (HttpContext context) => Page.Render<MessagePage>(
            context,
            new { Heading = "Not allowed", Message = "Your role in this workspace does not allow this. Ask an admin to change your role.", Link = "/journeys", LinkText = "Back to journeys" },
            StatusCodes.Status403Forbidden)).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>Sets Retry-After and says why: this account took too many wrong passwords in a row and must wait.</summary>
    private static string TooManyFailures(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"Too many wrong passwords for this account in a row. Wait {seconds} second{(seconds == 1 ? "" : "s")} and try again; each further wrong password doubles the wait.";
    }

    /// <summary>Only same-site paths: an open redirect would let a phishing link bounce through the sign-in page.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
