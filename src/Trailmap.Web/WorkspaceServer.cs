using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Trailmap.Events;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.Security;
using Trailmap.Web.Shell;
using Trailmap.Web.State;

namespace Trailmap.Web;

/// <summary>
/// Composes the workspace: services, middleware and every feature's endpoints. <c>trailmap serve</c> runs it on
/// Kestrel; the tests run the same composition under WebApplicationFactory.
/// </summary>
public static class WorkspaceServer
{
    public static void AddServices(IServiceCollection services, WorkspaceOptions options)
    {
        // Checked before anything opens the file: every connection below (events, workspace, outbox, rules) joins
        // it, and DuckDB would open some non-database files without an error and then keep nothing.
        var location = StoreLocation.Parse(options.DbPath);
        services.AddSingleton(options);
        services.AddSingleton(options.Time);
        services.AddSingleton(_ => new EventData(options.Events is { } events
            ? Trailmap.Events.ClickHouse.ClickHouseEventStore.Open(Trailmap.Events.ClickHouse.ClickHouseAddress.Parse(events), options.Time)
            : EventStore.Open(location, options.Time)));

        // The events store creates the file; the workspace tables join it on a second connection, or live in
        // PostgreSQL with --state, shared by every node. What is one node's own (its import jobs) stays in its file.
        services.AddKeyedSingleton(WorkspaceDb.NodeFile, (sp, _) =>
        {
            sp.GetRequiredService<EventData>();
            return options.State is null ? sp.GetRequiredService<WorkspaceDb>() : new WorkspaceDb(options.DbPath);
        });
        services.AddSingleton(sp =>
        {
            sp.GetRequiredService<EventData>();
            return options.State is { } state ? WorkspaceDb.Open(state) : new WorkspaceDb(options.DbPath);
        });
        // The delivery outbox (messages, pauses, suppressions, in-app queue) joins the same file on its own connection,
        // or lives in PostgreSQL with --state, shared by every node.
        services.AddSingleton(sp =>
        {
            sp.GetRequiredService<EventData>();
            return options.State is { } state
                ? Trailmap.Delivery.Outbox.Open(state, options.Time)
                : Trailmap.Delivery.Outbox.Open(options.DbPath, options.Time);
        });
        // Unsubscribe links are signed with a secret the running rules keep in the workspace file (so trailmap
        // automate --once and the server sign alike); /unsubscribe reads them with the same signer.
        services.AddSingleton(sp => sp.GetRequiredService<Trailmap.Automation.Running.AutomationRunner>().UnsubscribeTokens);
        services.AddSingleton(sp => new Trailmap.Delivery.InAppQueue(sp.GetRequiredService<Trailmap.Delivery.Outbox>()));
        services.AddSingleton<SessionStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<JourneyStore>();
        services.AddSingleton<AnalysisService>();
        services.AddSingleton<Exports.ExportService>();
        services.AddSingleton<Sharing.ShareLinkStore>();
        services.AddSingleton<DataImport.ImportJobs>();
        services.AddSingleton<Drafting.DraftJobs>();
        services.AddSingleton<Ingestion.Spool>();
        services.AddSingleton<Ingestion.IngestPump>();
        services.AddHostedService(sp => sp.GetRequiredService<Ingestion.IngestPump>());
        if (options.Events is not null)
        {
            services.AddHostedService<SharedEventsWatch>();
        }

        Interventions.InterventionEndpoints.AddServices(services);
        Automation.AutomationServices.Add(services, options);
        services.AddSingleton<Operations.Readiness>();
        services.AddSingleton<Operations.WorkspaceMetrics>();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(Operations.WorkspaceMetrics.MeterName).AddPrometheusExporter());

        services.AddRazorComponents();
        services.AddAntiforgery(a =>
        {
            a.Cookie.Name = "trailmap.af";
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.SecurePolicy = TrustedProxies.CookiePolicy(options);
        });
        services.AddProblemDetails();
        services.AddOpenApi(Api.ApiDocument.Configure);
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, Api.ApiAuthorizationResults>();
        WorkspaceAuth.Add(services, options);
        RateLimits.Add(services, options);
    }

    public static void Configure(IApplicationBuilder app)
    {
        // First, so every later step (the rate limiter's client address, the cookies' scheme) sees the real client.
        app.UseTrustedProxies(app.ApplicationServices.GetRequiredService<WorkspaceOptions>());
        app.UseExceptionHandler(errors => errors.Run(ErrorPage.WriteAsync));
        app.UseSecurityHeaders();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseCrossSiteApiGuard();
        app.UseRateLimiter();
        app.UseEndpoints(Map);

        // The instruments exist once this is created; their callbacks resolve the stores only when scraped.
        app.ApplicationServices.GetRequiredService<Operations.WorkspaceMetrics>();
    }

    /// <summary>Every feature's endpoints; one line per feature folder.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        AssetEndpoints.Map(routes);
        AccountEndpoints.Map(routes);
        JourneyPages.Map(routes);
        Editing.EditingEndpoints.Map(routes);
        Gallery.GalleryEndpoints.Map(routes);
        Gallery.DiscoverEndpoints.Map(routes);
        Drafting.DraftEndpoints.Map(routes);
        Suggestions.SuggestEndpoints.Map(routes);
        DataImport.ImportEndpoints.Map(routes);
        Sharing.ShareEndpoints.Map(routes);
        Exports.ExportEndpoints.Map(routes);
        Insights.InsightsEndpoints.Map(routes);
        Insights.CohortFormEndpoints.Map(routes);
        Api.ApiEndpoints.Map(routes);
        Settings.SettingsPages.Map(routes);
        Ingestion.IngestEndpoints.Map(routes);
        Interventions.InterventionEndpoints.Map(routes);
        Operations.OperationsEndpoints.Map(routes);
        routes.MapOpenApi("/openapi/v1.json").AllowAnonymous();
    }

    /// <summary>Builds the Kestrel host <c>trailmap serve</c> runs.</summary>
    public static WebApplication Build(WorkspaceOptions options, string[] urls)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(WorkspaceServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrel(k => k.Limits.MaxRequestBodySize = 4 * 1024 * 1024);
        if (urls.Length > 0)
        {
            builder.WebHost.UseUrls(urls);
        }

        builder.Logging.ClearProviders();
        if (options.JsonLogs)
        {
            // One JSON object per line (timestamp, level, category, message, the message's named values) for a log shipper.
            builder.Logging.AddJsonConsole(j =>
            {
                j.UseUtcTimestamp = true;
                j.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
        }

        builder.Logging.SetMinimumLevel(options.LogLevel);
        // One line per request (hosting) or per outbound call (HttpClient) at Information would drown the product's own.
        var framework = options.LogLevel > LogLevel.Warning ? options.LogLevel : LogLevel.Warning;
        builder.Logging.AddFilter("Microsoft", framework).AddFilter("System", framework);

        // The key ring lives in the workspace file, as protected as everything else in it (members' hashes, keys'
        // hashes); the warning that it is stored unencrypted would only alarm.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        AddServices(builder.Services, options);
        var app = builder.Build();
        Configure(app);
        return app;
    }

    /// <summary>Opens the workspace's stores before the first request, so a bad --db fails at start, not on a page.</summary>
    public static void Warm(IServiceProvider services)
    {
        services.GetRequiredService<EventData>();
        services.GetRequiredService<UserStore>();
        services.GetRequiredService<WorkspaceKeyRing>().EnsureKey(services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>());
        services.GetRequiredService<ApiKeyStore>();
        services.GetRequiredService<JourneyStore>();
        services.GetRequiredService<Trailmap.Delivery.Outbox>();
    }
}
