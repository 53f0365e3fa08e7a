using Microsoft.Extensions.DependencyInjection;
using Trailmap.Automation.Running;
using Trailmap.Delivery;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Automation;

/// <summary>
/// The running rules inside <c>trailmap serve</c>: the <see cref="AutomationRunner"/> (pages pause and resume rules
/// through it), the suppression list the unsubscribe endpoint writes, and the hosted <see cref="AutomationService"/>
/// that runs passes and the dispatcher.
/// </summary>
public static class AutomationServices
{
    /// <summary>
    /// Customers a pass adds to its sweep. About 0.1-0.2 s of evaluation on two cores (docs/performance.md,
    /// "Automation"), so an event that lands during a sweep waits at most that long for its pass.
    /// </summary>
    public const int SweepSlice = 25_000;

    public static void Add(IServiceCollection services, WorkspaceOptions options)
    {
        services.AddSingleton(sp =>
        {
            var data = sp.GetRequiredService<EventData>();
            // The journey tables are the journey store's; asking for it first makes sure they exist.
            var journeys = sp.GetRequiredService<JourneyStore>();
            var analysis = sp.GetRequiredService<AnalysisService>();
            return new AutomationRunner(
                options.DbPath,
                sp.GetRequiredService<Outbox>(),
                (properties, cancel) => data.LogAsync(properties, cancel),
                options.Time,
                changes: new StoreEventChanges((read, cancel) => data.UseStoreAsync(read, cancel)),
                stateAddress: options.State)
            {
                SweepSlice = SweepSlice,
                // One measurement per journey version and log for the pages and the rules (docs/automation.md).
                SharedMeasurement = async (journey, log, wait, cancel) =>
                    journey.Version is { } version && journeys.Find(journey.Id) is { } stored
                        ? await analysis.MeasurementOfAsync(stored.Id, version, log, wait, cancel).ConfigureAwait(false)
                        : null,
            };
        });
        services.AddSingleton(sp => new SuppressionList(sp.GetRequiredService<Outbox>(), sp.GetRequiredService<AutomationRunner>().UnsubscribeTokens));
        services.AddOutboundHttp(options.Delivery.AllowPrivateDestinations);
        services.AddSingleton<AutomationService>();
        services.AddHostedService(sp => sp.GetRequiredService<AutomationService>());
    }
}
