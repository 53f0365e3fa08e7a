using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Trailmap.Delivery;

/// <summary>
/// Where the shared state lives: <c>postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]</c>, as given to
/// <c>--state</c>. Parsed once, at the command line, into a valid address; anything else is refused with what to write
/// instead. The password comes from the address or, better (it stays out of the process list), from
/// <c>PGPASSWORD</c>. See docs/postgres-state.md.
/// </summary>
public sealed partial record PostgresAddress
{
    /// <summary>The longest address accepted.</summary>
    public const int MaxLength = 1024;

    /// <summary>The longest schema name PostgreSQL keeps (NAMEDATALEN - 1).</summary>
    public const int MaxSchemaLength = 63;

    public const int DefaultPort = 5432;

    private const string Shape = "postgres://USER@HOST:PORT/DATABASE (optionally ?schema=NAME)";

    private readonly string? password;

    private PostgresAddress(string user, string? password, string host, int port, string database, string? schema)
    {
        User = user;
        this.password = password;
        Host = host;
        Port = port;
        Database = database;
        Schema = schema;
    }

    public string User { get; }

    public string Host { get; }

    public int Port { get; }

    public string Database { get; }

    /// <summary>The schema that holds Trailmap's tables (created if missing), or null for the user's default (<c>public</c>).</summary>
    public string? Schema { get; }

    /// <summary>Whether <paramref name="text"/> is meant as a PostgreSQL address (and should be parsed as one).</summary>
    public static bool IsPostgres(string? text) =>
        text is not null && (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase));

    /// <summary>The address <paramref name="text"/> names, or a <see cref="FormatException"/> that says what is wrong and what to write.</summary>
    public static PostgresAddress Parse(string? text, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException($"the state address is empty; write {Shape}");
        }

        if (text.Length > MaxLength)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the state address is {text.Length:N0} characters long; at most {MaxLength:N0} are accepted"));
        }

        if (!IsPostgres(text))
        {
            throw new FormatException($"'{Redact(text)}' is not a PostgreSQL address; write {Shape}");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"'{Redact(text)}' is not a valid address (check the host and port); write {Shape}");
        }

        var userInfo = uri.UserInfo;
        if (userInfo.Length == 0)
        {
            throw new FormatException($"'{Redact(text)}' names no user; write {Shape}");
        }

        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? environment("PGPASSWORD") : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        if (user.Length == 0)
        {
            throw new FormatException($"'{Redact(text)}' names no user; write {Shape}");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"'{Redact(text)}' names no database (the path after the port); write {Shape}");
        }

        string? schema = null;
        var query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            foreach (var pair in query.Split('&'))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? pair : pair[..equals];
                var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
                if (name != "schema")
                {
                    throw new FormatException($"'{Redact(text)}' has the option '{name}'; the only option is schema=NAME");
                }

                if (value.Length > MaxSchemaLength || !SchemaName().IsMatch(value))
                {
                    throw new FormatException(
                        $"the schema '{value}' in '{Redact(text)}' is not a plain name: use lower-case letters, digits and '_', starting with a letter or '_', at most {MaxSchemaLength} characters");
                }

                schema = value;
            }
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port;
        return new PostgresAddress(user, password, uri.Host, port, database, schema);
    }

    /// <summary>The Npgsql connection string (with the password, if any): UTC sessions, keepalives so a dead peer is noticed.</summary>
    public string ConnectionString
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = Host,
                Port = Port,
                Username = User,
                Database = Database,
                Timezone = "UTC",
                ApplicationName = "trailmap",
                KeepAlive = 30,
            };
            if (password is not null)
            {
                builder.Password = password;
            }

            if (Schema is not null)
            {
                builder.SearchPath = Schema;
            }

            return builder.ConnectionString;
        }
    }

    /// <summary>The address without its password, for messages and logs.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"postgres://{Uri.EscapeDataString(User)}@{Host}:{Port}/{Uri.EscapeDataString(Database)}")
        + (Schema is null ? "" : "?schema=" + Schema);

    // A password in a refused address is not echoed back.
    private static string Redact(string text) => PasswordInAddress().Replace(text, "$1:***@");

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex SchemaName();

    [GeneratedRegex("^([a-zA-Z]+://[^:/@]*):[^@/]*@")]
    private static partial Regex PasswordInAddress();
}
