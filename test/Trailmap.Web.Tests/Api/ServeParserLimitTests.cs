using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.State;
using Trailmap.Web.Tests.Ingestion;

namespace Trailmap.Web.Tests.Api;

/// <summary>
/// Against a real <c>trailmap serve</c> child process, because the failure was the process dying: YAML nested
/// 100,000 levels deep, posted by a caller with only a read key, overflowed the stack and killed the server.
/// </summary>
public sealed class ServeParserLimitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deep_nesting_posted_with_a_read_key_is_a_TM016_and_the_server_keeps_serving()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-deep-").FullName;
        var db = Path.Combine(dir, "w.duckdb");
        try
        {
            string readKey;
            using (var workspace = new WorkspaceDb(db))
            {
                readKey = new ApiKeyStore(workspace, TimeProvider.System).Create("deep test", ApiKeyKind.Read).Secret;
            }

            await using var serve = await ServeProcess.StartAsync(db, Cancel);
            using var client = new HttpClient { BaseAddress = new Uri(serve.Url), Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", readKey);

            var deep = "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
            var response = await client.PostAsync("/api/validate", new StringContent(deep, Encoding.UTF8, "text/yaml"), Cancel);

            response.StatusCode.ShouldBe(HttpStatusCode.OK, serve.Output);
            var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
            var d = report.GetProperty("diagnostics").EnumerateArray().ShouldHaveSingleItem();
            // Level 1 is the root mapping, level 2 the '[' at column 4; level 65 is at column 4 + 63.
            (d.GetProperty("code").GetString(), d.GetProperty("line").GetInt32(), d.GetProperty("column").GetInt32()).ShouldBe(("TM016", 1, 67));

            // Over Kestrel's own 4 MB request limit too, the answer is 413, not 500.
            // The server answers from the Content-Length alone; "Expect: 100-continue" makes the client wait for
            // that answer before sending the body, so the refusal cannot race the upload into a broken pipe.
            var huge = new ByteArrayContent(new byte[5 * 1024 * 1024]);
            huge.Headers.ContentType = new MediaTypeHeaderValue("text/yaml");
            using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, "/api/validate") { Content = huge };
            hugeRequest.Headers.ExpectContinue = true;
            (await client.SendAsync(hugeRequest, Cancel)).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);

            (await client.GetAsync("/api/journeys", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK, serve.Output);
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // The server's last writes on a slow stop: the OS cleans the temp folder later.
            }
        }
    }
}
