using System.Globalization;
using System.Text;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// A fresh database on the test cluster from <c>TRAILMAP_CLICKHOUSE</c> (set by eng/test.sh from eng/clickhouse.sh),
/// read over ClickHouse's plain HTTP interface, apart from Trailmap's own client, so counts are checked
/// independently. The database is dropped on every shard when disposed. Without the variable the test skips and says
/// how to get a cluster (fails, when CI is set).
/// </summary>
internal sealed class ClickHouseCluster : IDisposable
{
    public const string Variable = "TRAILMAP_CLICKHOUSE";

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly string entry;

    private ClickHouseCluster(string entry, string database)
    {
        this.entry = entry;
        Database = database;
    }

    public string Database { get; }

    /// <summary>The <c>--db</c> address of the database.</summary>
    public string Address => $"clickhouse://{entry}/{Database}";

    public static ClickHouseCluster FreshDatabase()
    {
        var url = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(url))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail($"no ClickHouse cluster: {Variable} is not set, and CI is: eng/test.sh could not start eng/clickhouse.sh.");
            }

            Assert.Skip($"no ClickHouse cluster: {Variable} is not set. Run ./eng/test.sh, or `export TRAILMAP_CLICKHOUSE=\"$(eng/clickhouse.sh start | tail -n 1)\"` and then dotnet test.");
        }

        var hostPort = new Uri(url.Trim().Replace("clickhouse://", "http://", StringComparison.OrdinalIgnoreCase)).Authority;
        return new ClickHouseCluster(hostPort, "test_" + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>One number from the cluster, e.g. <c>SELECT count() FROM DB.events</c> (DB is replaced by the database).</summary>
    public async Task<long> CountAsync(string sql, CancellationToken cancel) =>
        long.Parse((await QueryAsync(entry, sql.Replace("DB.", Database + ".", StringComparison.Ordinal), cancel)).Trim(), CultureInfo.InvariantCulture);

    public void Dispose()
    {
        // Every shard's HTTP endpoint, as eng/clickhouse.sh declares it in the trailmap_http macro.
        var shards = Query(entry, "SELECT substitution FROM cluster(trailmap, system.macros) WHERE macro = 'trailmap_http'")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var shard in shards.DefaultIfEmpty(entry))
        {
            Query(shard, "DROP DATABASE IF EXISTS " + Database);
        }

        http.Dispose();
    }

    private async Task<string> QueryAsync(string endpoint, string sql, CancellationToken cancel)
    {
        using var response = await http.PostAsync("http://" + endpoint + "/", new StringContent(sql, Encoding.UTF8), cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);
        response.EnsureSuccessStatusCode();
        return body;
    }

    private string Query(string endpoint, string sql)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://" + endpoint + "/") { Content = new StringContent(sql, Encoding.UTF8) };
        using var response = http.Send(request);
        using var reader = new StreamReader(response.Content.ReadAsStream());
        var body = reader.ReadToEnd();
        response.EnsureSuccessStatusCode();
        return body;
    }
}
