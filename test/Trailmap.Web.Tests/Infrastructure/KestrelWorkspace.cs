using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Trailmap.Web.Tests.Infrastructure;

/// <summary>
/// The workspace on real Kestrel on a loopback port, composed as <c>trailmap serve</c> composes it: real sockets,
/// real concurrency and a real client address, with no in-memory test server in between.
/// </summary>
public sealed partial class KestrelWorkspace : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string dir;

    private KestrelWorkspace(WebApplication app, string dir, string address)
    {
        this.app = app;
        this.dir = dir;
        Address = address;
    }

    public string Address { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<KestrelWorkspace> StartAsync(Func<WorkspaceOptions, WorkspaceOptions>? configure, CancellationToken cancel)
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-kestrel-").FullName;
        var options = new WorkspaceOptions { DbPath = Path.Combine(dir, "workspace.duckdb"), RunAutomation = false };
        options = configure?.Invoke(options) ?? options;
        var app = WorkspaceServer.Build(options, ["http://127.0.0.1:0"]);
        WorkspaceServer.Warm(app.Services);
        await app.StartAsync(cancel);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelWorkspace(app, dir, address);
    }

    public T Service<T>() where T : notnull => app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean: a file still held by a closing connection.
        }
    }
}

/// <summary>
/// An HTTP client that keeps cookies by hand, as a browser reaching the server through a TLS proxy would: it sends
/// Secure cookies back over the plain-HTTP hop too, and shows each Set-Cookie exactly as the server wrote it.
/// </summary>
public sealed partial class BrowserClient : IDisposable
{
    private readonly HttpClient http;
    private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);

    public BrowserClient(string address, IReadOnlyDictionary<string, string>? headers = null)
    {
        http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(120) };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>Every Set-Cookie header received, as written.</summary>
    public List<string> SetCookies { get; } = [];

    /// <summary>The Cookie header this client sends: what an attacker who copied it would send.</summary>
    public string CookieHeader => string.Join("; ", cookies.Select(c => c.Key + "=" + c.Value));

    public void UseCookieHeader(string header)
    {
        foreach (var part in header.Split("; ", StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            cookies[part[..eq]] = part[(eq + 1)..];
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancel)
    {
        if (cookies.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", CookieHeader);
        }

        var response = await http.SendAsync(request, cancel);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var value in values)
            {
                SetCookies.Add(value);
                var pair = value.Split(';')[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, content) = (pair[..eq], pair[(eq + 1)..]);
                if (content.Length == 0 || value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    cookies.Remove(name);
                }
                else
                {
                    cookies[name] = content;
                }
            }
        }

        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancel) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancel);

    /// <summary>Posts a form the way a browser does: first GETs the form's page for the antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, CancellationToken cancel, string? formPage = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var page = await GetAsync(formPage ?? path, cancel);
        var html = await page.Content.ReadAsStringAsync(cancel);
        var match = TokenField().Match(html);
        match.Success.ShouldBeTrue($"no antiforgery token on {formPage ?? path}: {(int)page.StatusCode} {html}");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(match.Groups[1].Value);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await SendAsync(request, cancel);
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
