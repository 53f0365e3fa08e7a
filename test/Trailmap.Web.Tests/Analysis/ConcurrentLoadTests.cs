using Trailmap.Events;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Tests.Analysis;

/// <summary>
/// A log asked for while the same log is still being read for older data waits for that read and adds what landed
/// since: at start-up, under ingestion, the first page and the rules would otherwise each read every event.
/// </summary>
public sealed class ConcurrentLoadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_log_asked_for_newer_data_during_a_full_read_extends_that_read_instead_of_reading_everything_again()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-concurrent-load-").FullName;
        try
        {
            using var data = new EventData(EventStore.Open(Path.Combine(dir, "events.duckdb")));
            await ImportAsync(data, dir, "c1,Signed Up,2026-01-05T10:00:00Z\nc2,Signed Up,2026-01-05T11:00:00Z\n");
            Task<EventLog> first, second;
            using (await data.PauseLoadsAsync(Cancel))
            {
                first = data.LogAsync(new HashSet<string>(), Cancel);
                await ImportAsync(data, dir, "c3,Signed Up,2026-01-05T12:00:00Z\nc1,Board Shared,2026-01-05T13:00:00Z\n");
                second = data.LogAsync(new HashSet<string>(), Cancel);
            }

            // The held read, once let go, reads the store as it is then (at least what landed before it was asked for).
            var (older, newer) = (await first, await second);
            older.EventCount.ShouldBeInRange(2, 4);
            newer.Customers.ShouldBe(["c1", "c2", "c3"]);
            newer.EventCount.ShouldBe(4);
            newer.Extends(older).ShouldBeTrue();
            (data.Loads, data.FullLoads).ShouldBe((2L, 1L));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task ImportAsync(EventData data, string dir, string rows)
    {
        var file = Path.Combine(dir, $"events-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "customer_id,event,timestamp\n" + rows, Cancel);
        await data.UseAsync(s => EventImporter.Import(s, [file]), Cancel);
        data.Changed();
    }
}
