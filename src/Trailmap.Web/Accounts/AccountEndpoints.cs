using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
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

        routes.MapGet("/setup", (HttpContext context, UserStore users) =>
            users.Any() ? Results.Redirect("/signin") : (IResult)Page.Render<SetupPage>(context))
            .AllowAnonymous().ExcludeFromDescription();

        routes.MapPost("/setup", async (HttpContext context, UserStore users, [FromForm] string? email, [FromForm] string? name, [FromForm] string? password) =>
        {
            if (users.Any())
            {
                return Results.Redirect("/signin");
            }

            try
            {
                var user = users.Create(email ?? "", name ?? "", password ?? "", Role.Admin);
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, WorkspaceAuth.Principal(user)).ConfigureAwait(false);
                return Results.Redirect("/journeys?notice=" + Uri.EscapeDataString("Welcome! Create your first journey from a template."));
            }
            catch (AccountException e)
            {
                return Page.Render<SetupPage>(context, new { Error = e.Message, Email = email, Name = name }, StatusCodes.Status400BadRequest);
            }
        }).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();

        routes.MapGet("/signin", (HttpContext context, UserStore users, string? returnUrl) =>
            !users.Any() ? Results.Redirect("/setup") : (IResult)Page.Render<SignInPage>(context, new { ReturnUrl = returnUrl }))
            .AllowAnonymous().ExcludeFromDescription();

        routes.MapPost("/signin", async (HttpContext context, UserStore users, [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl) =>
        {
            var user = users.Verify(email ?? "", password ?? "");
            if (user is null)
            {
                return Page.Render<SignInPage>(
                    context,
                    new { Error = "That email and password do not match a member of this workspace.", Email = email, ReturnUrl = returnUrl },
                    StatusCodes.Status401Unauthorized);
            }

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, WorkspaceAuth.Principal(user)).ConfigureAwait(false);
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/journeys");
        }).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();

        routes.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/signin");
        }).AllowAnonymous().ExcludeFromDescription();

        routes.MapGet("/forbidden", (HttpContext context) => Page.Render<MessagePage>(
            context,
            new { Heading = "Not allowed", Message = "Your role in this workspace does not allow this. Ask an admin to change your role.", Link = "/journeys", LinkText = "Back to journeys" },
            StatusCodes.Status403Forbidden)).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>Only same-site paths: an open redirect would let a phishing link bounce through the sign-in page.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
