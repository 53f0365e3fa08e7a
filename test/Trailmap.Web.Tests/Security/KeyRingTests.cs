using System.Net;
using Trailmap.Web.Tests.Infrastructure;
using Trailmap.Web.Tests.Ingestion;

namespace Trailmap.Web.Tests.Security;

/// <summary>The keys that encrypt cookies travel with the workspace file, not with the account that ran the server.</summary>
public sealed class KeyRingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_session_survives_a_restart_on_a_moved_store_under_another_home_folder()
    {
        var root = Directory.CreateTempSubdirectory("trailmap-keyring-").FullName;
        try
        {
            var first = Directory.CreateDirectory(Path.Combine(root, "first")).FullName;
            var moved = Directory.CreateDirectory(Path.Combine(root, "moved")).FullName;
            var homeA = Directory.CreateDirectory(Path.Combine(root, "home-a")).FullName;
            var homeB = Directory.CreateDirectory(Path.Combine(root, "home-b")).FullName;

            string cookie;
            await using (var serve = await ServeProcess.StartAsync(Path.Combine(first, "workspace.duckdb"), Cancel, environment: new Dictionary<string, string> { ["HOME"] = homeA }))
            {
                using var browser = new BrowserClient(serve.Url);
                (await browser.PostFormAsync("/setup", new() { ["email"] = "ada@example.test", ["password"] = WorkspaceFactory.Password }, Cancel))
                    .StatusCode.ShouldBe(HttpStatusCode.Redirect);
                (await browser.GetAsync("/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
                cookie = browser.CookieHeader;
                await serve.StopAsync(Cancel);
            }

            // Nothing was written to the home folder: the keys are in the store.
            Directory.Exists(Path.Combine(homeA, ".aspnet", "DataProtection-Keys")).ShouldBeFalse();

            foreach (var file in Directory.GetFiles(first))
            {
                File.Move(file, Path.Combine(moved, Path.GetFileName(file)));
            }

            await using (var serve = await ServeProcess.StartAsync(Path.Combine(moved, "workspace.duckdb"), Cancel, environment: new Dictionary<string, string> { ["HOME"] = homeB }))
            {
                using var returning = new BrowserClient(serve.Url);
                returning.UseCookieHeader(cookie);
                var page = await returning.GetAsync("/journeys", Cancel);
                page.StatusCode.ShouldBe(HttpStatusCode.OK, serve.Output);
                (await page.Content.ReadAsStringAsync(Cancel)).ShouldContain("Sign out");
                await serve.StopAsync(Cancel);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
