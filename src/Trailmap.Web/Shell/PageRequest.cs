using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Web.Accounts;
using Trailmap.Web.Security;

namespace Trailmap.Web.Shell;

/// <summary>What every page needs to know about the request: who is looking, and the antiforgery token for its forms.</summary>
public sealed record PageRequest(string? UserName, Role? Role, string Path, string AntiforgeryField, string AntiforgeryToken, string? Notice)
{
    public bool SignedIn => UserName is not null;

    public bool CanEdit => Role >= Accounts.Role.Editor;

    public bool IsAdmin => Role == Accounts.Role.Admin;

    public static PageRequest From(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var user = context.User;
        var signedIn = user.Identity?.IsAuthenticated == true && user.Identity.AuthenticationType == Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme;
        return new PageRequest(
            signedIn ? user.FindFirstValue(ClaimTypes.Name) : null,
            signedIn ? WorkspaceAuth.RoleOf(user) : null,
            context.Request.Path + context.Request.QueryString,
            tokens.FormFieldName,
            tokens.RequestToken ?? "",
            context.Request.Query["notice"].FirstOrDefault());
    }
}

/// <summary>Renders a page component with the request context every page takes as its <c>Request</c> parameter.</summary>
public static class Page
{
    public static RazorComponentResult Render<TComponent>(HttpContext context, object? parameters = null, int status = StatusCodes.Status200OK)
        where TComponent : IComponent
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal) { ["Request"] = PageRequest.From(context) };
        if (parameters is not null)
        {
            foreach (var property in parameters.GetType().GetProperties())
            {
                values[property.Name] = property.GetValue(parameters);
            }
        }

        return new RazorComponentResult(typeof(TComponent), values) { StatusCode = status };
    }
}
