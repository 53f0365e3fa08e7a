using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using Trailmap.Events;
using Trailmap.Oracle.Tests.Oracle;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// A random log written as Segment track messages in arrival order and imported into an in-memory store, so the
/// engines can read it the way the commands do: through the store's loader, asking only for the events they need.
/// </summary>
internal static class StoredLog
{
    public static EventStore Import(IReadOnlyList<OracleEvent> events)
    {
        var file = Path.Combine(Path.GetTempPath(), "trailmap-oracle-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            // Imports number rows in file order, so writing them by the log's arrival numbers keeps its tie order.
            File.WriteAllLines(file, events.OrderBy(e => e.Seq).Select(e => new JsonObject
            {
                ["type"] = "track",
                ["userId"] = e.CustomerId,
                ["event"] = e.Event,
                ["messageId"] = "m" + e.Seq.ToString(CultureInfo.InvariantCulture),
                ["timestamp"] = e.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["properties"] = e.PropsJson is null ? null : JsonNode.Parse(e.PropsJson),
            }.ToJsonString(JsonSerializerOptions.Default)));
            var store = EventStore.Open(":memory:");
            store.Import([file]).Imported.ShouldBe(events.Count, "every event of the random log is stored");
            return store;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
