using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Trailmap.Web.Interventions;

/// <summary>The automation in the workspace: interventions and dead-letter pages, their REST API, and the unsubscribe link.</summary>
public static class InterventionEndpoints
{
    /// <summary>
    /// The feature's own services. The unsubscribe tokens, suppression list and in-app queue it uses are registered
    /// in <see cref="WorkspaceServer.AddServices"/> beside the outbox, because the delivery channels share them.
    /// </summary>
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<RulePauses>();
        services.AddSingleton<OutboxCounts>();
        services.AddSingleton<LiftService>();
        services.AddSingleton<InterventionService>();
        UnsubscribeEndpoints.AddRateLimit(services);
    }

    public static void Map(IEndpointRouteBuilder routes)
    {
        InterventionPages.Map(routes);
        InterventionApi.Map(routes);
        UnsubscribeEndpoints.Map(routes);
    }
}
