using Npgsql;

namespace Trailmap.Delivery.Tests.Infrastructure;

/// <summary>
/// A fresh schema on the test PostgreSQL for one test (<c>TRAILMAP_PG</c>, set by <c>eng/test.sh</c> through
/// <c>eng/postgres.sh start</c>), as the <c>--state</c> address that names it; dropped on dispose. Without
/// <c>TRAILMAP_PG</c> the test skips with how to get one, and on CI (<c>CI</c> set) it fails instead.
/// </summary>
internal sealed class PostgresState : IDisposable
{
    private const string MissingServer =
        "no PostgreSQL for the outbox on PostgreSQL: TRAILMAP_PG is not set. Run ./eng/test.sh, or "
        + "`export \"$(eng/postgres.sh start)\"` and then dotnet test.";

    private readonly string? connectionString;
    private readonly string? url;

    public PostgresState()
    {
        var configured = Environment.GetEnvironmentVariable("TRAILMAP_PG");
        if (string.IsNullOrWhiteSpace(configured))
        {
            // Only a test that uses the server skips (or fails on CI): a class may hold this beside DuckDB cases.
            return;
        }

        var builder = new NpgsqlConnectionStringBuilder(configured) { SearchPath = Schema };
        connectionString = builder.ConnectionString;
        url = $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}?schema={Schema}";
    }

    /// <summary>The schema the tables go into (<c>state_</c> and a random suffix); created by the code under test.</summary>
    public string Schema { get; } = "state_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The <c>--state</c> URL; skips the test when no server is configured.</summary>
    public string Url => url ?? Skip();

    public PostgresAddress Address => PostgresAddress.Parse(Url);

    private static string Skip()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException(MissingServer + " On CI it must run, so this is a failure.");
        }

        Xunit.Assert.Skip(MissingServer);
        return "";
    }

    /// <summary>The oracle: one value of plain SQL over the schema, on a connection of its own.</summary>
    public long Count(string sql)
    {
        using var connection = new NpgsqlConnection(connectionString ?? Skip());
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of a one-column text query, in the query's order.</summary>
    public List<string> Strings(string sql)
    {
        using var connection = new NpgsqlConnection(connectionString ?? Skip());
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public void Dispose()
    {
        if (connectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
        drop.ExecuteNonQuery();
    }
}
