using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Trailmap.Web.Accounts;

namespace Trailmap.Web.ApiKeys;

/// <summary>
/// Authenticates API keys: "Authorization: Bearer KEY", or HTTP Basic with the key as the user name and any
/// password, which is how Segment and RudderStack clients send their write key.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The claim that carries the key's kind (ingest, read, admin).</summary>
    public const string KindClaim = "trailmap:key-kind";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) || header.Parameter is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string? secret = null;
        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            secret = header.Parameter.Trim();
        }
        else if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
                secret = decoded.Split(':', 2)[0];
            }
            catch (FormatException)
            {
                return Task.FromResult(AuthenticateResult.Fail("The Basic credentials are not valid base64."));
            }
        }

        if (secret is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(secret) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown or revoked API key."));
        }

        keys.Touch(key);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "key:" + key.Id),
            new(ClaimTypes.Name, key.Name),
            new(KindClaim, key.Kind.ToString()),
        };
        if (key.Kind == ApiKeyKind.Read)
        {
            claims.Add(new Claim(ClaimTypes.Role, RoleNames.Of(Role.Viewer)));
        }
        else if (key.Kind == ApiKeyKind.Admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, RoleNames.Of(Role.Admin)));
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"trailmap\"";
        return Task.CompletedTask;
    }
}
