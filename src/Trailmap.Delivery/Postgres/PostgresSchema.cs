using System.Globalization;
using Npgsql;

namespace Trailmap.Delivery;

/// <summary>
/// Versioned DDL on PostgreSQL: each component (the outbox, the automation state, ...) has a list of steps, and
/// <c>trailmap_schema_versions</c> records how many of them ran. Opening applies the missing steps in one transaction
/// under an advisory lock, so two nodes starting at once neither race on CREATE nor apply a step twice; a database
/// written by a newer Trailmap (more steps than this one knows) is refused rather than misread.
/// </summary>
public static class PostgresSchema
{
    /// <summary>
    /// The first key of every advisory lock Trailmap takes in the two-key form (<c>pg_advisory_lock(int, int)</c>),
    /// offset per use: distinct from the single-key locks other software takes.
    /// </summary>
    public const int SchemaLockClass = 0x54520001;

    /// <summary>Creates the schema if the address names one, and applies the steps of <paramref name="component"/> not yet applied.</summary>
    public static void Migrate(NpgsqlConnection connection, PostgresAddress address, string component, IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(steps);
        using var transaction = connection.BeginTransaction();
        Run(connection, "SELECT pg_advisory_xact_lock(@class, @key)", ("class", SchemaLockClass), ("key", Key(address.Schema ?? "public")));
        if (address.Schema is { } schema)
        {
            // The name was checked by PostgresAddress (lower-case letters, digits, '_'), so quoting it is enough.
            Run(connection, $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
        }

        Run(
            connection,
            """
            CREATE TABLE IF NOT EXISTS trailmap_schema_versions (
                component text PRIMARY KEY,
                version integer NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """);
        using var read = new NpgsqlCommand("SELECT version FROM trailmap_schema_versions WHERE component = @c", connection);
        read.Parameters.AddWithValue("c", component);
        var version = read.ExecuteScalar() is int v ? v : 0;
        if (version > steps.Count)
        {
            throw new PostgresSchemaException(string.Create(
                CultureInfo.InvariantCulture,
                $"the {component} tables in {address} are at version {version}, written by a newer Trailmap; this one knows versions up to {steps.Count}. Upgrade this node"));
        }

        for (var i = version; i < steps.Count; i++)
        {
            Run(connection, steps[i]);
        }

        if (version < steps.Count)
        {
            Run(
                connection,
                """
                INSERT INTO trailmap_schema_versions (component, version) VALUES (@c, @v)
                ON CONFLICT (component) DO UPDATE SET version = excluded.version, applied_at = now()
                """,
                ("c", component),
                ("v", steps.Count));
        }

        transaction.Commit();
    }

    /// <summary>
    /// Opens <paramref name="connection"/> again when it broke (the server restarted, the network dropped it, an
    /// administrator ended the session): the statement that found it broken failed, and the next one gets a fresh
    /// session instead of failing for the rest of the process's life.
    /// </summary>
    public static void Reconnect(NpgsqlConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.State is System.Data.ConnectionState.Open)
        {
            return;
        }

        connection.Close();
        connection.Open();
    }

    /// <summary>A stable, non-negative 31-bit key for a name (FNV-1a), for the second key of an advisory lock.</summary>
    public static int Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    private static void Run(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}

/// <summary>
/// Trailmap's tables in PostgreSQL cannot be used as they are (written by a newer Trailmap); the message says which
/// and what to do. Hosts report it as a problem with the <c>--state</c> database, not with the <c>--db</c> file.
/// </summary>
public sealed class PostgresSchemaException(string message) : InvalidOperationException(message);
