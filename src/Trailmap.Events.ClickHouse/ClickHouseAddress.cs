using System.Text.RegularExpressions;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// Where a ClickHouse store lives: <c>clickhouse://[USER[:PASSWORD]@]HOST:PORT[/DATABASE][?cluster=NAME]</c>. PORT is the
/// server's HTTP port (8123 by default); DATABASE defaults to <see cref="DefaultDatabase"/>, the cluster to
/// <see cref="DefaultCluster"/> (a cluster of that name in the server's <c>remote_servers</c>; when the server has
/// none, the store is a single node). See docs/clickhouse.md.
/// </summary>
public sealed partial record ClickHouseAddress(string Host, int Port, string Database, string Cluster, string User, string Password)
{
    public const string Scheme = "clickhouse://";
    public const string DefaultDatabase = "trailmap";
    public const string DefaultCluster = "trailmap";
    public const int DefaultPort = 8123;

    /// <summary>Whether <paramref name="text"/> names a ClickHouse store rather than a file.</summary>
    public static bool IsClickHouse(string? text) => text is not null && text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>The address <paramref name="text"/> names, or a <see cref="StoreLocationException"/> saying what is wrong with it.</summary>
    public static ClickHouseAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Shape = "write clickhouse://HOST:PORT/DATABASE (PORT is the HTTP port, 8123 by default), such as clickhouse://127.0.0.1:8123/trailmap";
        if (!IsClickHouse(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new StoreLocationException($"'{text}' is not a ClickHouse address; {Shape}");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0)
        {
            database = DefaultDatabase;
        }

        if (!Name().IsMatch(database))
        {
            throw new StoreLocationException($"'{text}': the database name '{database}' is not a plain name (letters, digits and _, not starting with a digit); {Shape}");
        }

        var cluster = DefaultCluster;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key != "cluster")
            {
                throw new StoreLocationException($"'{text}': unknown option '{key}'; the only option is ?cluster=NAME");
            }

            if (!Name().IsMatch(value))
            {
                throw new StoreLocationException($"'{text}': the cluster name '{value}' is not a plain name (letters, digits and _)");
            }

            cluster = value;
        }

        var user = "default";
        var password = "";
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return new ClickHouseAddress(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, database, cluster, user, password);
    }

    /// <summary>The address without its password, for messages and status lines.</summary>
    public override string ToString() => $"{Scheme}{Host}:{Port}/{Database}" + (Cluster == DefaultCluster ? "" : "?cluster=" + Cluster);

    // Database and cluster names go into DDL as identifiers, which ClickHouse 18.16 cannot bind: only plain names pass.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Name();
}
