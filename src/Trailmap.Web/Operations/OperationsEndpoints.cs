using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Trailmap.Web.Operations;

/// <summary>
/// The probes and metrics an operator points a load balancer and Prometheus at (docs/operations.md): <c>/healthz</c>
/// (the process is alive), <c>/readyz</c> (its stores answer), <c>/metrics</c> (Prometheus text, see
/// <see cref="WorkspaceMetrics"/>). None needs a sign-in: they say nothing about a workspace's journeys or customers.
/// </summary>
public static class OperationsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n", "text/plain; charset=utf-8")).AllowAnonymous();

        routes.MapGet("/readyz", async (Readiness readiness, CancellationToken cancel) =>
        {
            var checks = await readiness.CheckAsync(cancel).ConfigureAwait(false);
            var ready = checks.All(c => c.Problem is null);
            return Results.Json(
                new
                {
                    status = ready ? "ready" : "not ready",
                    checks = checks.ToDictionary(c => c.Name, c => c.Problem ?? "ok", StringComparer.Ordinal),
                },
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous();

        routes.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
    }
}
