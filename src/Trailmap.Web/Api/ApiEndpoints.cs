using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Web.Accounts;

namespace Trailmap.Web.Api;

/// <summary>
/// The REST API under /api: JSON in, JSON out, problem details for every failure. A cookie session or an API key
/// (Bearer) authenticates; everything needs at least a viewer (or a read key), changes an editor, admin things an
/// admin (or an admin key). Documented at /openapi/v1.json and in docs/api.md.
/// </summary>
public static class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").RequireAuthorization(Policies.Viewer).WithTags("api")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        JourneyApi.Map(api);
        AnalyticsApi.Map(api);
        AdminApi.Map(api);
        ShareApi.Map(api);
    }
}
