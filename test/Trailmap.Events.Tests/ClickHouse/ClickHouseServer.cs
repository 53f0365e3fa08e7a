using System.Globalization;
using Trailmap.Events.ClickHouse;
using Xunit;

namespace Trailmap.Events.Tests.ClickHouse;

/// <summary>
/// The ClickHouse cluster the tests run on, from <c>TRAILMAP_CLICKHOUSE</c> (a clickhouse://HOST:PORT URL that
/// <c>eng/test.sh</c> sets by running <c>eng/clickhouse.sh start</c>). Each caller gets a fresh database of its own,
/// dropped on every shard when disposed. Without the variable, tests skip and say how to get a cluster (fail, when CI is set).
/// </summary>
public sealed class ClickHouseServer : IDisposable
{
    public const string Variable = "TRAILMAP_CLICKHOUSE";

    private ClickHouseServer(ClickHouseAddress address) => Address = address;

    /// <summary>A database of its own on the cluster, named by a random suffix.</summary>
    public ClickHouseAddress Address { get; }

    /// <summary>A fresh database on the configured cluster, or the test is skipped when none is configured.</summary>
    public static ClickHouseServer FreshDatabase()
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

        var root = ClickHouseAddress.Parse(url);
        return new ClickHouseServer(root with { Database = "test_" + Guid.NewGuid().ToString("N")[..12] });
    }

    public void Dispose()
    {
        using var entry = new ClickHouseHttp(Address.Host, Address.Port, Address);
        var shards = entry.Query("SELECT substitution FROM cluster(" + Address.Cluster + ", system.macros) WHERE macro = 'trailmap_http'")
            .Select(r => r[0]).DefaultIfEmpty(entry.Endpoint).ToList();
        foreach (var endpoint in shards)
        {
            var colon = endpoint.LastIndexOf(':');
            using var shard = new ClickHouseHttp(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture), Address);
            shard.Execute("DROP DATABASE IF EXISTS " + Address.Database);
        }
    }
}
