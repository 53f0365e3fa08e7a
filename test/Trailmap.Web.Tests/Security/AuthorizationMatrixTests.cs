using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Api;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Security;

/// <summary>
/// Who may call what, for every endpoint the running app serves. The table names, per route and method, the least
/// principal allowed; the test fails on an endpoint missing from the table (add one line for it) and on any
/// principal allowed or denied against the table. "Allowed" means the request got past authorization: not a 401,
/// not a 403, not a challenge redirect to /signin or /forbidden; a 400 or 404 for dummy input is fine.
/// </summary>
public sealed partial class AuthorizationMatrixTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The least principal an endpoint admits; each admits the ones after it as listed in <see cref="Admits"/>.</summary>
    public enum Least { Anonymous, IngestKey, Viewer, Editor, Admin }

    public enum Who { Anonymous, IngestKey, ReadKey, AdminKey, Viewer, Editor, Admin }

    /// <summary>
    /// One endpoint: method, route as the app declares it, the least principal allowed, and optionally the concrete
    /// path to request (else route parameters get the test's stock values: a journey that exists, version 1...). <paramref name="OwnStatus"/> is a status the
    /// endpoint itself answers with when allowed (the /forbidden page is a 403 for everyone).
    /// </summary>
    public sealed record Row(string Method, string Route, Least Least, string? Path = null, int? OwnStatus = null);

    private static readonly Row[] Matrix =
    [
        // Shell and accounts
        new("GET", "/assets/{name}", Least.Anonymous),
        // Operations (docs/operations.md): probes and metrics, counts only
        new("GET", "/healthz", Least.Anonymous),
        new("GET", "/readyz", Least.Anonymous),
        new("*", "/metrics", Least.Anonymous),
        new("GET", "/favicon.ico", Least.Anonymous),
        new("GET", "/", Least.Anonymous),
        new("GET", "/setup", Least.Anonymous),
        new("POST", "/setup", Least.Anonymous),
        new("GET", "/signin", Least.Anonymous),
        new("POST", "/signin", Least.Anonymous),
        new("POST", "/signout", Least.Anonymous),
        new("GET", "/forbidden", Least.Anonymous, OwnStatus: 403),
        new("GET", "/account", Least.Viewer),
        new("POST", "/account/password", Least.Viewer),
        new("GET", "/openapi/v1.json", Least.Anonymous),

        // Journey pages
        new("GET", "/journeys/", Least.Viewer),
        new("GET", "/journeys/{slug}", Least.Viewer),
        new("GET", "/journeys/{slug}/map.html", Least.Viewer),

        // REST API: journeys
        new("GET", "/api/journeys", Least.Viewer),
        new("POST", "/api/journeys", Least.Editor),
        new("GET", "/api/journeys/{slug}", Least.Viewer),
        new("PUT", "/api/journeys/{slug}", Least.Editor),
        new("DELETE", "/api/journeys/{slug}", Least.Editor, Path: "/api/journeys/doomed"),
        new("GET", "/api/journeys/{slug}/versions", Least.Viewer),
        new("GET", "/api/journeys/{slug}/versions/{version:int}", Least.Viewer),
        new("POST", "/api/journeys/{slug}/versions/{version:int}/revert", Least.Editor),
        new("POST", "/api/validate", Least.Viewer),
        new("GET", "/api/journeys/{slug}/render", Least.Viewer, Path: "/api/journeys/matrix/render?format=md"),

        // REST API: measurements
        new("GET", "/api/journeys/{slug}/analysis", Least.Viewer),
        new("GET", "/api/journeys/{slug}/actuals", Least.Viewer),
        new("GET", "/api/journeys/{slug}/cohorts", Least.Viewer),
        new("GET", "/api/funnel", Least.Viewer, Path: "/api/funnel?steps=View,Cart"),
        new("GET", "/api/funnel/people", Least.Viewer, Path: "/api/funnel/people?steps=View,Cart&step=1"),
        new("GET", "/api/retention", Least.Viewer, Path: "/api/retention?start=View"),
        new("GET", "/api/paths", Least.Viewer, Path: "/api/paths?from=View"),
        new("GET", "/api/paths/sankey", Least.Viewer, Path: "/api/paths/sankey?from=View"),
        new("GET", "/api/status", Least.Viewer),

        // REST API: admin
        new("GET", "/api/members", Least.Admin),
        new("GET", "/api/keys", Least.Admin),
        new("POST", "/api/keys", Least.Admin),
        new("DELETE", "/api/keys/{id:long}", Least.Admin),

        // Settings (POSTs carry no antiforgery token here, so an allowed one is a 400 that changes nothing)
        // Templates gallery and creating journeys.
        new("GET", "/templates", Least.Viewer),
        new("GET", "/templates/{name}/preview", Least.Viewer, Path: "/templates/saas-trial/preview"),
        new("POST", "/templates/create", Least.Editor),
        new("GET", "/journeys/new", Least.Editor),
        new("POST", "/journeys/new", Least.Editor),
        new("POST", "/journeys/new/preview", Least.Editor),
        new("POST", "/journeys/new/discover", Least.Editor),
        new("GET", "/journeys/new/draft/", Least.Editor),
        new("POST", "/journeys/new/draft/", Least.Editor),
        new("GET", "/journeys/new/draft/{id}", Least.Editor),
        new("GET", "/journeys/new/draft/{id}/status", Least.Editor),
        new("GET", "/journeys/{slug}/suggest/", Least.Editor),
        new("POST", "/journeys/{slug}/suggest/", Least.Editor),

        // The editor and versions.
        new("GET", "/journeys/{slug}/edit", Least.Viewer),
        new("POST", "/journeys/{slug}/edit", Least.Editor),
        new("POST", "/journeys/{slug}/preview", Least.Editor),
        new("GET", "/journey.schema.json", Least.Viewer),
        new("GET", "/journeys/{slug}/stages/{stageId}/edit", Least.Editor, Path: "/journeys/matrix/stages/view/edit"),
        new("POST", "/journeys/{slug}/stages/{stageId}/edit", Least.Editor, Path: "/journeys/matrix/stages/view/edit"),
        new("GET", "/journeys/{slug}/cohorts/new/", Least.Editor),
        new("POST", "/journeys/{slug}/cohorts/new/", Least.Editor),
        new("GET", "/journeys/{slug}/history", Least.Viewer),
        new("GET", "/journeys/{slug}/history/{version:int}", Least.Viewer),
        new("GET", "/journeys/{slug}/diff", Least.Viewer, Path: "/journeys/matrix/diff?from=1&to=1"),
        new("POST", "/journeys/{slug}/history/{version:int}/revert", Least.Editor),
        new("POST", "/journeys/{slug}/delete", Least.Editor, Path: "/journeys/doomed/delete"),

        // Data import.
        new("GET", "/import/", Least.Editor),
        new("POST", "/import/", Least.Editor),
        new("GET", "/import/jobs/{id}", Least.Editor),
        new("GET", "/import/jobs/{id}/status", Least.Editor),
        new("POST", "/import/cancel", Least.Editor),

        // Share links: managing them needs a member, using one needs only the link.
        new("GET", "/journeys/{slug}/share/", Least.Viewer),
        new("POST", "/journeys/{slug}/share/", Least.Editor),
        new("POST", "/journeys/{slug}/share/revoke", Least.Editor),
        new("POST", "/api/journeys/{slug}/share-links", Least.Editor),
        new("GET", "/s/{token}/", Least.Anonymous, Path: "/s/not-a-real-token"),
        new("GET", "/s/{token}/embed", Least.Anonymous, Path: "/s/not-a-real-token/embed"),

        // Exports.
        new("GET", "/journeys/{slug}/export/", Least.Viewer),
        new("GET", "/journeys/{slug}/export/{format}", Least.Viewer, Path: "/journeys/matrix/export/md"),

        // Insight pages.
        new("GET", "/journeys/{slug}/stages/{stageId}", Least.Viewer, Path: "/journeys/matrix/stages/view"),
        new("GET", "/journeys/{slug}/stages/{stageId}/people.csv", Least.Viewer, Path: "/journeys/matrix/stages/view/people.csv"),
        new("GET", "/journeys/{slug}/funnel", Least.Viewer),
        new("GET", "/journeys/{slug}/paths", Least.Viewer),
        new("GET", "/journeys/{slug}/cohorts", Least.Viewer),
        new("GET", "/journeys/{slug}/kpis", Least.Viewer),
        new("GET", "/journeys/{slug}/retention", Least.Viewer),
        new("GET", "/journeys/{slug}/customers", Least.Viewer),
        new("GET", "/journeys/{slug}/customers.csv", Least.Viewer),
        new("GET", "/journeys/{slug}/customers/{**id}", Least.Viewer, Path: "/journeys/matrix/customers/u1"),

        // Segment-compatible ingestion: write keys only; the pump's status for members.
        new("POST", "/v1/track", Least.IngestKey),
        new("POST", "/v1/identify", Least.IngestKey),
        new("POST", "/v1/group", Least.IngestKey),
        new("POST", "/v1/page", Least.IngestKey),
        new("POST", "/v1/screen", Least.IngestKey),
        new("POST", "/v1/alias", Least.IngestKey),
        new("POST", "/v1/batch", Least.IngestKey),
        new("POST", "/v1/import", Least.IngestKey),
        new("GET", "/v1/status", Least.Viewer),

        // Automation: interventions and dead letters (pages and API), the in-app queue, the unsubscribe link.
        new("GET", "/journeys/{slug}/interventions/", Least.Viewer),
        new("POST", "/journeys/{slug}/interventions/{rule}/pause", Least.Editor, Path: "/journeys/matrix/interventions/nope/pause"),
        new("POST", "/journeys/{slug}/interventions/{rule}/resume", Least.Editor, Path: "/journeys/matrix/interventions/nope/resume"),
        new("GET", "/automation/dead-letters/", Least.Viewer),
        new("POST", "/automation/dead-letters/requeue", Least.Editor),
        new("GET", "/api/journeys/{slug}/interventions", Least.Viewer),
        new("GET", "/api/journeys/{slug}/lift", Least.Viewer),
        new("POST", "/api/journeys/{slug}/interventions/{rule}/pause", Least.Editor, Path: "/api/journeys/matrix/interventions/nope/pause"),
        new("POST", "/api/journeys/{slug}/interventions/{rule}/resume", Least.Editor, Path: "/api/journeys/matrix/interventions/nope/resume"),
        new("GET", "/api/dead-letters", Least.Viewer),
        new("POST", "/api/dead-letters/{key}/requeue", Least.Editor, Path: "/api/dead-letters/nope%3Au1%3A1/requeue"),
        new("GET", "/api/customers/{customerId}/messages", Least.Viewer, Path: "/api/customers/u1/messages"),
        new("POST", "/api/customers/{customerId}/messages/{id}/read", Least.Viewer, Path: "/api/customers/u1/messages/nope/read"),
        new("GET", "/unsubscribe", Least.Anonymous),
        new("POST", "/unsubscribe", Least.Anonymous),

        new("GET", "/settings/", Least.Admin),
        new("GET", "/settings/members", Least.Admin),
        new("POST", "/settings/members", Least.Admin),
        new("POST", "/settings/members/{id:long}/role", Least.Admin),
        new("POST", "/settings/members/{id:long}/disable", Least.Admin),
        new("POST", "/settings/members/{id:long}/enable", Least.Admin),
        new("GET", "/settings/keys", Least.Admin),
        new("POST", "/settings/keys", Least.Admin),
        new("POST", "/settings/keys/{id:long}/revoke", Least.Admin),
    ];

    private static bool Admits(Least least, Who who) => least switch
    {
        Least.Anonymous => true,
        Least.IngestKey => who == Who.IngestKey,
        Least.Viewer => who is Who.ReadKey or Who.AdminKey or Who.Viewer or Who.Editor or Who.Admin,
        Least.Editor => who is Who.AdminKey or Who.Editor or Who.Admin,
        Least.Admin => who is Who.AdminKey or Who.Admin,
        _ => false,
    };

    [Fact]
    public void Every_endpoint_of_the_app_is_in_the_table_and_every_row_is_an_endpoint()
    {
        using var factory = new WorkspaceFactory();
        factory.CreateClient().Dispose();
        var served = Served(factory);
        var table = Matrix.Select(r => (r.Method, r.Route)).ToHashSet();
        served.Except(table).Select(e => $"new(\"{e.Method}\", \"{e.Route}\", Least.?),").ShouldBeEmpty("endpoints missing from the matrix table; add a line for each");
        table.Except(served).ShouldBeEmpty("rows in the matrix table for endpoints the app does not serve");
        table.Count.ShouldBe(Matrix.Length, "a route and method appears twice in the table");
    }

    [Fact]
    public async Task Each_principal_is_allowed_or_denied_as_the_table_says()
    {
        using var factory = new WorkspaceFactory(o => o with { SignInPerMinute = 1000 });
        var journeys = factory.Service<JourneyStore>();
        journeys.Create(ShopData.Journey.Replace("id: shop", "id: matrix", StringComparison.Ordinal), "test");
        journeys.Create(ShopData.Journey.Replace("id: shop", "id: doomed", StringComparison.Ordinal), "test");
        var (doomedKey, _) = factory.Service<ApiKeyStore>().Create("doomed", ApiKeyKind.Read);

        var principals = new Dictionary<Who, Func<HttpRequestMessage, HttpRequestMessage>>
        {
            [Who.Anonymous] = r => r,
            [Who.IngestKey] = Bearer(factory, ApiKeyKind.Ingest),
            [Who.ReadKey] = Bearer(factory, ApiKeyKind.Read),
            [Who.AdminKey] = Bearer(factory, ApiKeyKind.Admin),
            [Who.Viewer] = await SessionAsync(factory, Role.Viewer),
            [Who.Editor] = await SessionAsync(factory, Role.Editor),
            [Who.Admin] = await SessionAsync(factory, Role.Admin),
        };
        var values = new Dictionary<string, string>
        {
            ["name"] = "site.css",
            ["slug"] = "matrix",
            ["version"] = "1",
            ["id"] = doomedKey.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        // A client that neither follows redirects nor keeps cookies, so a sign-out answer cannot end a session.
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var wrong = new List<string>();
        // Sign-out ends the session on the server, so it goes last: every other row still runs with a live session.
        foreach (var row in Matrix.OrderBy(r => r.Route == "/signout"))
        {
            var path = row.Path ?? RouteParameter().Replace(row.Route, m => values[m.Groups[1].Value]);
            foreach (var (who, authenticate) in principals)
            {
                var request = authenticate(new HttpRequestMessage(new HttpMethod(row.Method), path));
                if (row.Method is "POST" or "PUT")
                {
                    // An empty form: routing answers 415 before authorization to a body a form endpoint cannot read,
                    // which would hide the denial; the API endpoints answer this body with a 400 or 415 of their own.
                    request.Content = new FormUrlEncodedContent([]);
                }

                using var response = await client.SendAsync(request, Cancel);
                var expected = Admits(row.Least, who);
                var denied = IsDenied(response, row);
                if (denied == expected || (int)response.StatusCode >= 500)
                {
                    wrong.Add($"{row.Method} {path} as {who}: {(int)response.StatusCode} {response.Headers.Location}, expected {(expected ? "allowed" : "denied")}");
                }
            }
        }

        wrong.ShouldBeEmpty();
    }

    /// <summary>The framework's refusals: 401, 403, or the cookie's challenge redirect (it carries a ReturnUrl).</summary>
    private static bool IsDenied(HttpResponseMessage response, Row row)
    {
        if ((int)response.StatusCode == row.OwnStatus)
        {
            return false;
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(new Uri("http://localhost"), location);
            return target.AbsolutePath is "/signin" or "/forbidden" && target.Query.Contains("ReturnUrl=", StringComparison.Ordinal);
        }

        return false;
    }

    private static HashSet<(string Method, string Route)> Served(WorkspaceFactory factory) =>
    [
        .. factory.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, e.RoutePattern.RawText ?? ""))),
    ];

    private static Func<HttpRequestMessage, HttpRequestMessage> Bearer(WorkspaceFactory factory, ApiKeyKind kind)
    {
        var (_, secret) = factory.Service<ApiKeyStore>().Create("matrix " + kind, kind);
        return r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            return r;
        };
    }

    /// <summary>Signs in through the real form and returns the session as a Cookie header to put on each request.</summary>
    private static async Task<Func<HttpRequestMessage, HttpRequestMessage>> SessionAsync(WorkspaceFactory factory, Role role)
    {
        var email = RoleNames.Of(role) + "@example.test";
        factory.Service<UserStore>().Create(email, role + " member", WorkspaceFactory.Password, role);
        using var browser = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var form = await browser.GetAsync("/signin", Cancel);
        var antiforgeryCookie = Cookies(form);
        var token = TokenField().Match(await form.Content.ReadAsStringAsync(Cancel)).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email,
                ["password"] = WorkspaceFactory.Password,
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            }),
        };
        post.Headers.Add("Cookie", antiforgeryCookie);
        using var signedIn = await browser.SendAsync(post, Cancel);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var session = Cookies(signedIn);
        session.ShouldContain("trailmap.session=");
        return r =>
        {
            r.Headers.Add("Cookie", antiforgeryCookie + "; " + session);
            return r;
        };
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : []);

    [GeneratedRegex(@"\{([^}:]+)(:[^}]+)?\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
