using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trailmap.Discovery.Discover;
using Trailmap.Journeys.Rendering;
using Trailmap.Web.Accounts;
using Trailmap.Web.Analysis;
using Trailmap.Web.Shell;

namespace Trailmap.Web.Gallery;

/// <summary>"Discover from data" in the new-journey flow: a journey proposed from the workspace's events, opened for review, not saved.</summary>
public static class DiscoverEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/journeys/new/discover", async (HttpContext context, EventData data) =>
        {
            var log = await data.LogAsync(new HashSet<string>(StringComparer.Ordinal), context.RequestAborted).ConfigureAwait(false);
            try
            {
                var found = JourneyDiscoverer.Discover(log);
                var notice = $"Discovered {found.Stages.Count} stages from {found.Basis.Events:N0} events of {found.Basis.Customers:N0} customers "
                    + $"({JourneyDiscoverer.Period(found.Basis)}). Review the names, targets and candidates below, then create the journey: nothing is saved until you do.";
                // The editor shows every diagnostic, warnings too, at its line in the text; the preview draws the map.
                var preview = found.Diagnostics.Any(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error) ? null : HtmlRenderer.Render(found.Journey);
                return Page.Render<DiscoverReviewPage>(context, new { found.Yaml, Notice = notice, found.Diagnostics, PreviewHtml = preview });
            }
            catch (DiscoveryException e)
            {
                // Not the request's fault, but nothing to show either: the page explains what the data lacks.
                return Page.Render<NewJourneyPage>(context, new { Error = $"The workspace's events do not show a journey yet: {e.Message}" }, StatusCodes.Status422UnprocessableEntity);
            }
        }).RequireAuthorization(Policies.Editor).ExcludeFromDescription();
    }
}
