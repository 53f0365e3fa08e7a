using Trailmap.Events;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Tests.Analysis;

/// <summary>
/// A cached log is extended with what landed since, which cannot regroup events it already holds: an identify that
/// merges two ids must make the next log a full load, with the merged person in it.
/// </summary>
public sealed class IdentityMergeReloadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_identify_without_events_regroups_the_cached_log_under_the_person()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-identity-").FullName;
        try
        {
            using var data = new EventData(EventStore.Open(Path.Combine(dir, "events.duckdb")));
            var events = Path.Combine(dir, "events.jsonl");
            await File.WriteAllTextAsync(events, """
                {"type":"page","anonymousId":"a1","name":"Home","messageId":"p1","timestamp":"2024-03-01T10:00:00Z"}
                {"type":"track","userId":"u1","event":"Signed Up","messageId":"s1","timestamp":"2024-03-01T10:06:00Z"}

                """, Cancel);
            await data.UseAsync(s => EventImporter.Import(s, [events]), Cancel);
            data.Changed();
            (await data.LogAsync(new HashSet<string>(), Cancel)).Customers.ShouldBe(["a1", "u1"]);

            var identify = Path.Combine(dir, "identify.jsonl");
            await File.WriteAllTextAsync(identify, """{"type":"identify","anonymousId":"a1","userId":"u1","messageId":"i1","timestamp":"2024-03-01T10:05:00Z"}""", Cancel);
            await data.UseAsync(s => EventImporter.Import(s, [identify]), Cancel);
            data.Changed();

            var log = await data.LogAsync(new HashSet<string>(), Cancel);
            log.Customers.ShouldBe(["u1"]);
            log.EventCount.ShouldBe(2);
            data.FullLoads.ShouldBe(2);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
