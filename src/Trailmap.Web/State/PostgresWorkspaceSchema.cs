using Trailmap.Delivery;

namespace Trailmap.Web.State;

/// <summary>
/// The workspace's tables in PostgreSQL (<c>--state postgres://...</c>), as numbered steps of the <c>workspace</c>
/// component in <c>trailmap_schema_versions</c> (docs/postgres-state.md). The same tables and columns as the stores
/// create in the DuckDB file, so their SQL runs on both; times are <c>timestamptz</c> in microseconds. A step, once
/// released, is never edited: a change is a new step.
/// </summary>
public static class PostgresWorkspaceSchema
{
    public const string Component = "workspace";

    /// <summary>The first key of the advisory lock every workspace transaction takes (the second is the schema's).</summary>
    public const int TransactionLockClass = PostgresSchema.SchemaLockClass + 3;

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE users (
            id            bigint PRIMARY KEY,
            email         text NOT NULL UNIQUE,
            name          text NOT NULL,
            password_hash text NOT NULL,
            role          text NOT NULL,
            created_at    timestamptz NOT NULL,
            disabled      boolean NOT NULL DEFAULT false
        );
        CREATE TABLE sessions (
            id_hash    text PRIMARY KEY,
            user_id    bigint NOT NULL,
            created_at timestamptz NOT NULL,
            last_seen  timestamptz NOT NULL
        );
        CREATE INDEX sessions_user ON sessions (user_id);
        CREATE TABLE api_keys (
            id           bigint PRIMARY KEY,
            name         text NOT NULL,
            kind         text NOT NULL,
            prefix       text NOT NULL,
            hash         text NOT NULL UNIQUE,
            created_at   timestamptz NOT NULL,
            revoked_at   timestamptz,
            last_used_at timestamptz
        );
        CREATE TABLE journeys (
            id         bigint PRIMARY KEY,
            slug       text NOT NULL UNIQUE,
            title      text NOT NULL,
            created_at timestamptz NOT NULL,
            deleted_at timestamptz
        );
        CREATE TABLE journey_versions (
            journey_id bigint NOT NULL,
            version    integer NOT NULL,
            yaml       text NOT NULL,
            author     text NOT NULL,
            message    text NOT NULL,
            created_at timestamptz NOT NULL,
            PRIMARY KEY (journey_id, version)
        );
        CREATE TABLE share_links (
            id         bigint PRIMARY KEY,
            journey_id bigint NOT NULL,
            token_hash text NOT NULL UNIQUE,
            label      text NOT NULL,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL,
            expires_at timestamptz,
            revoked_at timestamptz,
            revoked_by text,
            reveals    text
        );
        CREATE INDEX share_links_journey ON share_links (journey_id);
        CREATE TABLE data_protection_keys (
            name text PRIMARY KEY,
            xml  text NOT NULL
        );
        """,
    ];
}
