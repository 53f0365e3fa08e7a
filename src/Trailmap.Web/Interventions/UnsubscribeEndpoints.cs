using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Delivery;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Interventions;

/// <summary>
/// The unsubscribe link every email carries (EmailOptions.UnsubscribeUrl = https://HOST/unsubscribe). Anonymous: the
/// signed token is the permission, and it names one address. GET only shows a confirmation page, because mail
/// scanners open links; the POST unsubscribes, from that page's button or from a mail client's RFC 8058 one-click
/// request (body List-Unsubscribe=One-Click). Neither needs an antiforgery token: a forged request would need the
/// token, which is all the permission there is.
/// </summary>
internal static class UnsubscribeEndpoints
{
    public const string RateLimit = "unsubscribe";

    /// <summary>Requests per client address per minute; enough for people, too few to probe tokens.</summary>
    public const int PerMinute = 20;

    public static void AddRateLimit(IServiceCollection services) =>
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(RateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = PerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/unsubscribe", (HttpContext context, SuppressionList suppressions, string? token) =>
        {
            if (!suppressions.Tokens.TryRead(token, out var address))
            {
                return Invalid(context);
            }

            var state = suppressions.IsSuppressed(address) ? UnsubscribeState.Already : UnsubscribeState.Confirm;
            return Render(context, state, address, token);
        }).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(RateLimit);

        routes.MapPost("/unsubscribe", (HttpContext context, SuppressionList suppressions, string? token) =>
        {
            var result = suppressions.Unsubscribe(token ?? "");
            return result.Outcome == UnsubscribeOutcome.InvalidToken
                ? Invalid(context)
                : Render(context, UnsubscribeState.Done, result.Address!, token);
        }).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(RateLimit);
    }

    /// <summary>"alice@example.com" as "a***@example.com": enough to recognise, too little to harvest.</summary>
    public static string Mask(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 ? address[..1] + "***" : address[..1] + "***" + address[at..];
    }

    private static IResult Invalid(HttpContext context) =>
        Render(context, UnsubscribeState.Invalid, null, null, StatusCodes.Status400BadRequest);

    private static IResult Render(HttpContext context, UnsubscribeState state, string? address, string? token, int status = StatusCodes.Status200OK)
    {
        // The page holds the token (in the form) and an address: keep it out of caches and other sites' logs.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Page.Render<UnsubscribePage>(context, new { State = state, Masked = address is null ? null : Mask(address), Token = token }, status);
    }
}

public enum UnsubscribeState { Confirm, Done, Already, Invalid }
