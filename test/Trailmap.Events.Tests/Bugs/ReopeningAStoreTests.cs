using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Bugs;

/// <summary>Regression: opening a store file a second time failed reading its schema version as int?.</summary>
public sealed class ReopeningAStoreTests
{
    [Fact]
    public void A_store_file_opens_again_and_keeps_its_events()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-reopen-").FullName;
        try
        {
            var db = Path.Combine(dir, "s.duckdb");
            var csv = Path.Combine(dir, "e.csv");
            File.WriteAllText(csv, "user_id,event,timestamp\nu1,View,2026-01-01T00:00:00Z\nu1,Cart,2026-01-01T00:10:00Z\n");
            using (var store = EventStore.Open(db))
            {
                EventImporter.Import(store, [csv], cancel: TestContext.Current.CancellationToken);
            }

            using var reopened = EventStore.Open(db);
            reopened.Summary().Events.ShouldBe(2);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
