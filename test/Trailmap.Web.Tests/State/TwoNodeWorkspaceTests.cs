using System.Net;
using Trailmap.Delivery.Tests.Infrastructure;
using Trailmap.Web.Tests.Editing;
using Trailmap.Web.Tests.Infrastructure;
using Trailmap.Web.Tests.Ingestion;

namespace Trailmap.Web.Tests.State;

/// <summary>
/// Two real <c>trailmap serve</c> processes, each on a DuckDB file of its own (a file is one process's), sharing the
/// workspace through one PostgreSQL (<c>--state</c>): what one node writes, the other serves at once.
/// </summary>
public sealed class TwoNodeWorkspaceTests : IDisposable
{
    private readonly PostgresState postgres = new();
    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-two-nodes-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_session_and_a_journey_made_on_one_node_work_on_the_other_at_once()
    {
        var state = postgres.Url;
        // Both start at once: the DDL, and the first data-protection key, are made once between them.
        var starting = new[] { "a", "b" }.Select(n => ServeProcess.StartAsync(Path.Combine(dir, n + ".duckdb"), Cancel, arguments: ["--state", state])).ToArray();
        await using var nodeA = await starting[0];
        await using var nodeB = await starting[1];

        using var onA = new BrowserClient(nodeA.Url);
        (await onA.PostFormAsync("/setup", new() { ["email"] = "ada@example.test", ["password"] = WorkspaceFactory.Password }, Cancel))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect, nodeA.Output);
        var created = await onA.PostFormAsync("/journeys/new", new() { ["yaml"] = EditorTests.Yaml }, Cancel);
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync(Cancel));
        created.Headers.Location!.OriginalString.ShouldStartWith("/journeys/trial?");

        // B has never seen this browser: the cookie A issued opens B's pages (one key ring, one session table), and B
        // serves the journey A just saved, with no wait and no restart.
        using var onB = new BrowserClient(nodeB.Url);
        onB.UseCookieHeader(onA.CookieHeader);
        (await onB.GetAsync("/setup", Cancel)).Headers.Location!.OriginalString.ShouldBe("/signin");   // B knows the admin exists
        var page = await onB.GetAsync("/journeys/trial", Cancel);
        page.StatusCode.ShouldBe(HttpStatusCode.OK, nodeB.Output);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("Free trial to paid");
        html.ShouldContain("Sign out");

        // A version saved on B is the one A serves next.
        var saved = await onB.PostFormAsync("/journeys/trial/edit", new()
        {
            ["yaml"] = EditorTests.Yaml.Replace("title: Free trial to paid", "title: Trial to paid on B", StringComparison.Ordinal),
            ["baseVersion"] = "1",
            ["message"] = "Saved on B",
            ["action"] = "save",
        }, Cancel);
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect, await saved.Content.ReadAsStringAsync(Cancel));
        (await (await onA.GetAsync("/journeys/trial", Cancel)).Content.ReadAsStringAsync(Cancel)).ShouldContain("Trial to paid on B");

        // Signing out on B ends the session A issued, on A too.
        (await onB.PostFormAsync("/signout", [], Cancel, formPage: "/journeys")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var afterSignOut = await onA.GetAsync("/journeys", Cancel);
        afterSignOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        new Uri(new Uri(nodeA.Url), afterSignOut.Headers.Location!).AbsolutePath.ShouldBe("/signin");

        await nodeA.StopAsync(Cancel);
        await nodeB.StopAsync(Cancel);

        // The oracle: the workspace is in PostgreSQL (one admin, one journey with two versions, one key for both
        // nodes), and neither file holds its tables.
        postgres.Count("SELECT count(*) FROM users").ShouldBe(1);
        postgres.Count("SELECT count(*) FROM journey_versions").ShouldBe(2);
        postgres.Count("SELECT count(*) FROM data_protection_keys").ShouldBe(1);
        foreach (var file in new[] { "a.duckdb", "b.duckdb" })
        {
            using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=" + Path.Combine(dir, file));
            await connection.OpenAsync(Cancel);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('users', 'sessions', 'journeys', 'journey_versions', 'api_keys', 'share_links', 'data_protection_keys')";
            Convert.ToInt64(await command.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0, file);
        }
    }

    public void Dispose()
    {
        postgres.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
