using System.Text.Json;
using System.Text.Json.Nodes;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Rendering;

/// <summary>
/// The normalised journey as JSON (snake_case keys, as in the YAML, with every derived id and default filled in).
/// Without actuals the output is the journey object alone, so it stays comparable with the model and the schema;
/// with actuals it is <c>{"journey": {...}, "actuals": {...}}</c>, so the numbers never mix with the design.
/// </summary>
public static class JsonRenderer
{
    public static string Render(Journey journey, JourneyActuals? actuals = null)
    {
        if (actuals is null)
        {
            return JsonSerializer.Serialize(journey, TrailmapJson.Options);
        }

        var both = new JsonObject
        {
            ["journey"] = JsonSerializer.SerializeToNode(journey, TrailmapJson.Options),
            ["actuals"] = JsonSerializer.SerializeToNode(actuals, TrailmapJson.Options),
        };
        return both.ToJsonString(TrailmapJson.Options);
    }
}
