using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;

namespace Trailmap.Web.Tests.Infrastructure;

/// <summary>
/// A whole workspace on a fresh DuckDB file in a temp folder, composed exactly as <c>trailmap serve</c> composes it,
/// under WebApplicationFactory's in-memory server.
/// </summary>
public sealed partial class WorkspaceFactory : WebApplicationFactory<Program>
{
    public const string Password = "correct horse battery staple";

    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-web-").FullName;

    public WorkspaceFactory(Func<WorkspaceOptions, WorkspaceOptions>? configure = null)
    {
        var options = new WorkspaceOptions { DbPath = Path.Combine(dir, "workspace.duckdb") };

        // Pages wait this long for a journey's first measurement before answering "measuring"; on a busy test machine
        // a real-clock wait of seconds could run out, so tests that expect numbers on the first view wait for them.
        // Likewise the view that notices new events waits for their measurement, so "the next request shows them" holds.
        options = options with { FirstAnalysisWait = TimeSpan.FromMinutes(5), FreshWait = TimeSpan.FromMinutes(5) };
        Options = configure?.Invoke(options) ?? options;
    }

    public WorkspaceOptions Options { get; }

    public string Dir => dir;

    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder().ConfigureWebHostDefaults(web => web
            .ConfigureServices(services => WorkspaceServer.AddServices(services, Options))
            .Configure(WorkspaceServer.Configure));

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A member with this role (created on first use) and a client signed in as them through the real form.</summary>
    public async Task<HttpClient> SignedInAsync(Role role, CancellationToken cancel)
    {
        var users = Service<UserStore>();
        var email = RoleNames.Of(role) + "@example.test";
        if (users.FindByEmail(email) is null)
        {
            users.Create(email, role + " member", Password, role);
        }

        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await PostFormAsync(client, "/signin", new() { ["email"] = email, ["password"] = Password }, cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(cancel));
        return client;
    }

    /// <summary>A client without a session.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client that sends an API key of this kind as a bearer token.</summary>
    public HttpClient WithKey(ApiKeyKind kind, out string secret)
    {
        (_, secret) = Service<ApiKeyStore>().Create("test " + kind, kind);
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>Posts a form the way a browser does: first GETs the form's page for the antiforgery token.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields, CancellationToken cancel, string? formPage = null)
    {
        var token = await AntiforgeryTokenAsync(client, formPage ?? path, cancel);
        fields["__RequestVerificationToken"] = token;
        return await client.PostAsync(path, new FormUrlEncodedContent(fields), cancel);
    }

    /// <summary>The antiforgery token from any page's forms (every page carries one in its sign-out form).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page, CancellationToken cancel)
    {
        var html = await client.GetStringAsync(page, cancel);
        var match = TokenField().Match(html);
        match.Success.ShouldBeTrue($"no antiforgery token on {page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown: the temp folder is cleaned by the OS later.
            }
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
