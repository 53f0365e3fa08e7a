using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace Trailmap.Oracle.Tests.Oracle;

/// <summary>
/// A fresh PostgreSQL schema for one test class (use as <c>IClassFixture&lt;PostgresFixture&gt;</c>), holding the
/// table <c>events(customer_id text, event text, ts timestamp(6), seq bigint, props jsonb)</c> that
/// <see cref="PostgresOracle"/> queries. The server comes from the <c>TRAILMAP_PG</c> connection string, which
/// <c>eng/test.sh</c> sets by running <c>eng/postgres.sh start</c>.
/// </summary>
/// <remarks>
/// Without <c>TRAILMAP_PG</c> every test that touches the database skips with a message saying how to get one; on CI
/// (the <c>CI</c> variable set) it fails instead, because a silently skipped oracle proves nothing.
/// </remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ConnectionVariable = "TRAILMAP_PG";

    private const string MissingServer =
        "no PostgreSQL for the analytics oracle: TRAILMAP_PG is not set. Run ./eng/test.sh, or "
        + "`export \"$(eng/postgres.sh start)\"` and then dotnet test.";

    private NpgsqlDataSource? dataSource;

    /// <summary>The schema this fixture created (<c>oracle_</c> and a random suffix); dropped on dispose.</summary>
    public string Schema { get; } = "oracle_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Whether a server was configured; when false, <see cref="RequireServer"/> skips the test.</summary>
    public bool Available => dataSource is not null;

    /// <summary>Connection pool whose connections use <see cref="Schema"/> as their search path.</summary>
    public NpgsqlDataSource DataSource
    {
        get
        {
            RequireServer();
            return dataSource!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException(MissingServer + " On CI the oracle must run, so this is a failure.");
            }

            return;
        }

        var builder = new NpgsqlConnectionStringBuilder(configured) { SearchPath = Schema };
        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var create = new NpgsqlCommand(
            $"""
            CREATE SCHEMA {Schema};
            CREATE TABLE {Schema}.events (
                customer_id text NOT NULL,
                event text NOT NULL,
                ts timestamp(6) NOT NULL,
                seq bigint NOT NULL,
                props jsonb
            );
            CREATE INDEX ON {Schema}.events (customer_id, event, ts, seq);
            CREATE INDEX ON {Schema}.events (customer_id, ts, seq);
            """,
            connection);
        await create.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource is null)
        {
            return;
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await dataSource.DisposeAsync();
    }

    /// <summary>Skips the calling test when no server is configured (see the class remarks).</summary>
    public void RequireServer()
    {
        if (dataSource is null)
        {
            Assert.Skip(MissingServer);
        }
    }

    /// <summary>Replaces the contents of <c>events</c> with <paramref name="events"/>, loaded with binary COPY.</summary>
    /// <returns>The number of rows loaded.</returns>
    public async Task<long> LoadEventsAsync(IEnumerable<OracleEvent> events, CancellationToken cancellationToken = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using (var truncate = new NpgsqlCommand("TRUNCATE events", connection))
        {
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }

        ulong rows;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY events (customer_id, event, ts, seq, props) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var e in events)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(e.CustomerId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(e.Event, NpgsqlDbType.Text, cancellationToken);
                // `timestamp` (without time zone) holds the UTC wall clock; Npgsql wants an unspecified Kind for it.
                await importer.WriteAsync(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Unspecified), NpgsqlDbType.Timestamp, cancellationToken);
                await importer.WriteAsync(e.Seq, NpgsqlDbType.Bigint, cancellationToken);
                if (e.PropsJson is null)
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await importer.WriteAsync(e.PropsJson, NpgsqlDbType.Jsonb, cancellationToken);
                }
            }

            rows = await importer.CompleteAsync(cancellationToken);
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE events", connection))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        return (long)rows;
    }
}
