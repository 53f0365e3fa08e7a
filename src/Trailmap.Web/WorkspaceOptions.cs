namespace Trailmap.Web;

/// <summary>How <c>trailmap serve</c> runs a workspace.</summary>
public sealed record WorkspaceOptions
{
    /// <summary>
    /// The DuckDB file holding the workspace (users, keys, journeys and versions; without <see cref="State"/> also the
    /// outbox and the rules' state), and the events too unless <see cref="Events"/> names another store.
    /// </summary>
    public string DbPath { get; init; } = Trailmap.Events.EventStore.DefaultPath;

    /// <summary>
    /// Where the events live when not in <see cref="DbPath"/>: a <c>clickhouse://</c> address (<c>serve --db</c> with
    /// <c>--workspace FILE</c>; docs/clickhouse.md). Null keeps them in <see cref="DbPath"/>.
    /// </summary>
    public string? Events { get; init; }

    /// <summary>
    /// With <see cref="Events"/> on ClickHouse, how often the server asks it whether other nodes wrote events, so its
    /// pages and rules see them (<see cref="Analysis.SharedEventsWatch"/>).
    /// </summary>
    public TimeSpan SharedEventsPoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Where the shared state lives (<c>--state</c>): null keeps it in <see cref="DbPath"/>; a PostgreSQL address puts
    /// the delivery outbox and the running rules' state there (docs/postgres-state.md).
    /// </summary>
    public Trailmap.Delivery.PostgresAddress? State { get; init; }

    /// <summary>Where accepted-but-not-yet-stored ingestion batches wait; defaults to "DB.ingest" beside the database.</summary>
    public string? SpoolPath { get; init; }

    /// <summary>Chromium for PDF and PNG exports; null looks in the usual places.</summary>
    public string? ChromiumPath { get; init; }

    /// <summary>Sign-in (and setup) attempts per client address per minute before 429s.</summary>
    public int SignInPerMinute { get; init; } = 10;

    /// <summary>Wrong passwords in a row one account may take before it must wait (see <see cref="Security.SignInThrottle"/>).</summary>
    public int SignInFreeFailures { get; init; } = 5;

    /// <summary>The first wait after <see cref="SignInFreeFailures"/> failures; each further failure doubles it.</summary>
    public TimeSpan SignInBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest one account ever waits between sign-in attempts.</summary>
    public TimeSpan SignInBackoffMax { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The one-time token /setup asks for before it creates the first admin; null asks for none. <c>trailmap serve</c>
    /// sets a fresh one and prints it when it listens beyond loopback.
    /// </summary>
    public string? SetupToken { get; init; }

    /// <summary>
    /// Proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed (<c>--trusted-proxy</c>); with any,
    /// cookies are always marked Secure. Empty (the default) ignores forwarded headers.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Ingestion requests per write key per second before 429s.</summary>
    public int IngestRequestsPerSecond { get; init; } = 1000;

    /// <summary>The largest events file the import page accepts (1 GB); bigger files go through <c>trailmap import</c>.</summary>
    public long MaxImportBytes { get; init; } = 1L << 30;

    /// <summary>
    /// How long a journey page waits for a journey version's first measurement (nothing to show yet) before it
    /// answers "measuring" and refreshes itself. Later measurements never make a page wait: it shows the last one.
    /// </summary>
    public TimeSpan FirstAnalysisWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the page view that finds new events (and starts their measurement) waits for it before showing the
    /// last numbers marked "updating": small workspaces measure in milliseconds, so their pages are simply current.
    /// Other views never wait.
    /// </summary>
    public TimeSpan FreshWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The chat model "Draft from a brief" uses (<c>serve --model-url/--model/--model-key</c> or the TRAILMAP_MODEL_*
    /// variables); null when none is configured, and the draft page says how to configure one. Never set from a browser.
    /// </summary>
    public Trailmap.Drafting.Draft.ModelEndpoint? Model { get; init; }

    /// <summary>How many drafts may run at once; each holds a model request open for up to a few minutes.</summary>
    public int MaxConcurrentDrafts { get; init; } = 2;

    /// <summary>The time the workspace reads; tests pass a FakeTimeProvider.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How the running rules deliver (SMTP, webhook secret, Slack, public URL); see docs/automation.md.</summary>
    public Trailmap.Automation.Running.DeliverySettings Delivery { get; init; } = new();

    /// <summary>
    /// Whether the server evaluates the journeys' rules and dispatches the outbox (default true). False leaves both
    /// to someone else: <c>trailmap automate --once</c> from cron, or tests that drive the dispatcher themselves.
    /// </summary>
    public bool RunAutomation { get; init; } = true;

    /// <summary>
    /// The least severe log messages written (default Information: passes that decided something, delivery summaries,
    /// crash recovery, dead letters). The framework's own categories (Microsoft.*, System.*) stay at Warning or above
    /// whatever this says, so a request log never floods the output.
    /// </summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>Logs as one JSON object per line (<c>trailmap serve --log-format json</c>) instead of one text line per message.</summary>
    public bool JsonLogs { get; init; }

    public string ResolvedSpoolPath => SpoolPath ?? DbPath + ".ingest";
}
