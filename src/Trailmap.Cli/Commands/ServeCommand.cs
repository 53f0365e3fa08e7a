using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Trailmap.Web;
using Trailmap.Web.Accounts;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap serve</c>: the web workspace on the same store the other commands use.</summary>
public static class ServeCommand
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static Command Create(Terminal terminal)
    {
        var db = StoreOption.Create("The store: a DuckDB file holding the events and the workspace (members, keys, journeys), or clickhouse://HOST:PORT/DATABASE for the events with --workspace FILE (docs/clickhouse.md)");
        var workspace = WorkspaceOption.Create();
        var state = StateOption.Create();
        var urls = new Option<string[]>("--urls") { Description = "Addresses to listen on; several are allowed. Use http://0.0.0.0:PORT to accept other machines", DefaultValueFactory = _ => [DefaultUrl], AllowMultipleArgumentsPerToken = true };
        var chromium = new Option<string?>("--chromium") { Description = "Path to Chromium for PDF and PNG exports" };
        var trustedProxy = new Option<System.Net.IPNetwork[]>("--trusted-proxy")
        {
            Description = "The address or CIDR network of a TLS proxy in front of the server; several are allowed. Only its X-Forwarded-For and X-Forwarded-Proto headers are believed, and cookies are then always marked Secure (default: none, forwarded headers are ignored)",
            HelpName = "IP/CIDR",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = result =>
            {
                var networks = new List<System.Net.IPNetwork>();
                foreach (var token in result.Tokens)
                {
                    if (Trailmap.Web.Security.TrustedProxies.Parse(token.Value, out var error) is { } network)
                    {
                        networks.Add(network);
                    }
                    else
                    {
                        result.AddError("--trusted-proxy: " + error);
                    }
                }

                return [.. networks];
            },
        };
        var delivery = new AutomateDeliveryOptions();
        var maxUpload = new Option<long?>("--max-upload")
        {
            Description = "The largest events file the import page accepts, such as 500MB or 2GB (1 KB = 1,024 bytes; default 1GB); bigger files go through trailmap import",
            HelpName = "SIZE",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (ByteSize.TryParse(text, out var error) is { } bytes)
                {
                    return bytes;
                }

                result.AddError("--max-upload: " + error);
                return null;
            },
        };
        var logLevel = LogLevelOption.Create();
        var logFormat = new Option<string>("--log-format") { Description = "text: one readable line per message; json: one JSON object per line (timestamp, level, category, message and its values) for a log shipper", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var modelUrl = new Option<string?>("--model-url") { Description = $"Base URL of the OpenAI-compatible chat endpoint the workspace's \"Draft from a brief\" uses, e.g. http://127.0.0.1:11434/v1 for Ollama (else ${Trailmap.Drafting.Draft.ModelEndpoint.UrlVariable}; without one the page says how to set it)" };
        var model = new Option<string?>("--model") { Description = $"The model name at that endpoint (else ${Trailmap.Drafting.Draft.ModelEndpoint.ModelVariable})" };
        var modelKey = new Option<string?>("--model-key") { Description = $"The endpoint's API key, if it needs one (else ${Trailmap.Drafting.Draft.ModelEndpoint.KeyVariable})" };
        var modelTimeout = new Option<string>("--model-timeout") { Description = "How long one request of a draft to the model may take: 90s, 5m", DefaultValueFactory = _ => "120s" };
        var command = new Command("serve", "Run the web workspace: journey maps with live actuals, the editor, the REST API, a Segment-compatible ingestion API, and the journeys' interventions and sequences (evaluated after every import and at least once a minute, delivered with the settings below)")
        {
            db, workspace, state, urls, chromium, maxUpload, trustedProxy, logLevel, logFormat, modelUrl, model, modelKey, modelTimeout,
        };
        delivery.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var (workspaceFile, events) = WorkspaceOption.Resolve(parse.GetValue(db)!, parse.GetValue(workspace));
            var options = new WorkspaceOptions
            {
                DbPath = workspaceFile,
                Events = events,
                State = parse.GetValue(state),
                ChromiumPath = parse.GetValue(chromium),
                Delivery = WithPublicUrl(delivery.Read(parse), parse.GetValue(urls)!),
                LogLevel = parse.GetValue(logLevel),
                JsonLogs = parse.GetValue(logFormat) == "json",
            };
            if (parse.GetValue(maxUpload) is { } bytes)
            {
                options = options with { MaxImportBytes = bytes };
            }

            if (!Trailmap.Journeys.Model.Duration.TryParse(parse.GetValue(modelTimeout), out var limit) || limit.Span <= TimeSpan.Zero)
            {
                throw new UserError($"--model-timeout '{parse.GetValue(modelTimeout)}' is not a duration; {Trailmap.Journeys.Model.Duration.Help}");
            }

            try
            {
                options = options with
                {
                    Model = Trailmap.Drafting.Draft.ModelEndpoint.Resolve(parse.GetValue(modelUrl), parse.GetValue(model), parse.GetValue(modelKey), limit.Span, retries: 2, Environment.GetEnvironmentVariable),
                };
            }
            catch (Trailmap.Drafting.Draft.DraftException e)
            {
                throw new UserError(e.Message);
            }

            if (parse.GetValue(trustedProxy) is { Length: > 0 } proxies)
            {
                options = options with { TrustedProxies = proxies };
            }

            await RunAsync(terminal, options, parse.GetValue(urls)!, signIn: null, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>Without --public-url, unsubscribe links point at the first address the server listens on.</summary>
    public static Trailmap.Automation.Running.DeliverySettings WithPublicUrl(Trailmap.Automation.Running.DeliverySettings settings, string[] urls) =>
        settings.PublicUrl is null && urls.Length > 0 && !urls[0].Contains('*', StringComparison.Ordinal) ? settings with { PublicUrl = urls[0] } : settings;

    /// <summary>Starts the workspace, says where it is and how to get in, and serves until Ctrl+C.</summary>
    public static async Task RunAsync(Terminal terminal, WorkspaceOptions options, string[] urls, string? signIn, CancellationToken ct)
    {
        // Reachable from other machines: whoever opens /setup first would become the admin, so setup also asks for a
        // token that only someone who can read this output has.
        options = options with { SetupToken = options.SetupToken ?? SetupToken.For(urls) };
        WebApplication app;
        try
        {
            app = WorkspaceServer.Build(options, urls);
            WorkspaceServer.Warm(app.Services);
        }
        catch (Trailmap.Delivery.PostgresSchemaException e)
        {
            // Before the file's handler below: it is an InvalidOperationException, but about the --state database.
            throw new UserError($"cannot open the state in {options.State}: {e.Message}");
        }
        catch (Npgsql.NpgsqlException e) when (options.State is not null)
        {
            throw new UserError($"cannot open the state in {options.State}: {e.Message}. Check that PostgreSQL runs there and the user may connect and create tables (docs/postgres-state.md)");
        }
        catch (Trailmap.Events.ClickHouse.ClickHouseStoreException e)
        {
            throw new UserError($"cannot open the event store {options.Events}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or DuckDB.NET.Data.DuckDBException or InvalidOperationException)
        {
            throw new UserError($"cannot open the workspace store '{options.DbPath}': {e.Message}");
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync(ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new UserError($"cannot listen on {string.Join(", ", urls)}: {e.Message}. Pick another port with --urls http://127.0.0.1:PORT");
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? urls[0];
            var stores = options.Events is { } events
                ? $"events {Trailmap.Events.ClickHouse.ClickHouseAddress.Parse(events)}, workspace {Path.GetFullPath(options.DbPath)}"
                : $"store {Path.GetFullPath(options.DbPath)}";
            terminal.Info($"Trailmap is running at {address} ({stores}). Press Ctrl+C to stop.");
            if (signIn is not null)
            {
                terminal.Info(signIn);
            }
            else if (!app.Services.GetRequiredService<UserStore>().Any())
            {
                terminal.Info(options.SetupToken is null
                    ? $"Open {address}/setup to create the admin account."
                    : $"Open {address}/setup to create the admin account, with this one-time setup token: {options.SetupToken}");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop cleanly below.
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
