using System.Collections.Concurrent;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// The database and tables of a ClickHouse store, created on first use on every shard of the cluster: per shard a
/// local MergeTree table for events, traits and imports, and beside each a Distributed table that spreads rows by
/// <c>cityHash64(customer_id)</c>, so each customer's events sit on one shard and per-customer work never crosses
/// shards. A server without the named cluster gets plain MergeTree tables under the Distributed names (a single
/// node). ClickHouse 18.16 runs <c>ON CLUSTER</c> DDL only with ZooKeeper, so the statements go to each shard's
/// HTTP interface, found through the <c>trailmap_http</c> macro (else the entry's HTTP port on the shard's host).
/// </summary>
internal static class ClickHouseSchema
{
    // Tables are created once per address and process; IF NOT EXISTS makes a second creation harmless anyway.
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> Ready = new(StringComparer.Ordinal);

    public const string EventsColumns =
        "(customer_id String, event String, ts_us Int64, message_id String, properties String, seq Int64, import_id Int64)";

    private const string CustomersColumns = "(customer_id String, traits String, updated_us Int64, version Int64)";

    private const string ImportsColumns =
        "(id Int64, file String, format String, started_us Int64, rows Int64, imported Int64, duplicates Int64, rejected Int64)";

    private const string LinksColumns = "(from_id String, to_id String, kind String, ts_us Int64, message_id String)";

    private const string IdentitiesColumns = "(id String, person String, generation Int64)";

    /// <summary>Creates what is missing and returns every shard's HTTP endpoint (host:port).</summary>
    public static IReadOnlyList<string> Ensure(ClickHouseHttp entry, ClickHouseAddress address) =>
        Ready.GetOrAdd(address.ToString(), _ => Create(entry, address));

    private static List<string> Create(ClickHouseHttp entry, ClickHouseAddress address)
    {
        var shards = Shards(entry, address);
        var db = address.Database;
        foreach (var endpoint in shards)
        {
            var colon = endpoint.LastIndexOf(':');
            using var shard = endpoint == entry.Endpoint ? null : new ClickHouseHttp(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), address);
            var http = shard ?? entry;
            http.Execute($"CREATE DATABASE IF NOT EXISTS {db}");
            if (shards.Count == 1 && !HasCluster(entry, address))
            {
                http.Execute($"CREATE TABLE IF NOT EXISTS {db}.events {EventsColumns} ENGINE = MergeTree ORDER BY (customer_id, ts_us, seq)");
                http.Execute($"CREATE TABLE IF NOT EXISTS {db}.customers {CustomersColumns} ENGINE = MergeTree ORDER BY customer_id");
                http.Execute($"CREATE TABLE IF NOT EXISTS {db}.imports {ImportsColumns} ENGINE = MergeTree ORDER BY id");
                http.Execute($"CREATE TABLE IF NOT EXISTS {db}.identity_links {LinksColumns} ENGINE = MergeTree ORDER BY message_id");
                http.Execute($"CREATE TABLE IF NOT EXISTS {db}.identities {IdentitiesColumns} ENGINE = MergeTree ORDER BY (generation, id)");
                continue;
            }

            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.events_local {EventsColumns} ENGINE = MergeTree ORDER BY (customer_id, ts_us, seq)");
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.customers_local {CustomersColumns} ENGINE = MergeTree ORDER BY customer_id");
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.imports_local {ImportsColumns} ENGINE = MergeTree ORDER BY id");
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.identity_links_local {LinksColumns} ENGINE = MergeTree ORDER BY message_id");
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.identities_local {IdentitiesColumns} ENGINE = MergeTree ORDER BY (generation, id)");
            var cluster = address.Cluster;
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.events AS {db}.events_local ENGINE = Distributed({cluster}, {db}, events_local, cityHash64(customer_id))");
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.customers AS {db}.customers_local ENGINE = Distributed({cluster}, {db}, customers_local, cityHash64(customer_id))");
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.imports AS {db}.imports_local ENGINE = Distributed({cluster}, {db}, imports_local, id)");
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.identity_links AS {db}.identity_links_local ENGINE = Distributed({cluster}, {db}, identity_links_local, cityHash64(message_id))");
            http.Execute($"CREATE TABLE IF NOT EXISTS {db}.identities AS {db}.identities_local ENGINE = Distributed({cluster}, {db}, identities_local, cityHash64(id))");
        }

        return shards;
    }

    private static bool HasCluster(ClickHouseHttp entry, ClickHouseAddress address) =>
        entry.Scalar($"SELECT count() FROM system.clusters WHERE cluster = {ClickHouseSql.Literal(address.Cluster)}") != "0";

    /// <summary>Every shard's HTTP endpoint (the first replica of each), the entry's own first; just the entry without a cluster.</summary>
    private static List<string> Shards(ClickHouseHttp entry, ClickHouseAddress address)
    {
        var rows = entry.Query(
            $"SELECT shard_num, host_address, port, is_local FROM system.clusters WHERE cluster = {ClickHouseSql.Literal(address.Cluster)} AND replica_num = 1 ORDER BY shard_num").ToList();
        if (rows.Count == 0)
        {
            return [entry.Endpoint];
        }

        var endpoints = new List<string>();
        foreach (var row in rows)
        {
            if (row[3] == "1")
            {
                endpoints.Insert(0, entry.Endpoint);
                continue;
            }

            // The shard's own HTTP address as its config declares it; host and port come from the server's config.
            var tcp = ClickHouseSql.Literal(row[1] + ":" + row[2]);
            var declared = entry.Scalar($"SELECT substitution FROM remote({tcp}, system.macros) WHERE macro = 'trailmap_http'");
            var port = entry.Endpoint[(entry.Endpoint.LastIndexOf(':') + 1)..];
            endpoints.Add(string.IsNullOrEmpty(declared) ? row[1] + ":" + port : declared);
        }

        return endpoints;
    }
}
