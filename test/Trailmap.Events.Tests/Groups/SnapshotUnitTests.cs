using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Groups;

/// <summary>
/// A store file keeps an event snapshot under the ids events were sent with; identity merges and accounts must
/// still apply to whole loads of such a store. Expected customers and counts worked out by hand.
/// </summary>
public sealed class SnapshotUnitTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "trailmap-snapshot-unit-" + Guid.NewGuid().ToString("N"));

    public SnapshotUnitTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_whole_load_of_a_store_file_merges_ids_and_counts_accounts_after_an_import_wrote_its_snapshot()
    {
        var storePath = Path.Combine(folder, "store.duckdb");
        var events = Path.Combine(folder, "events.jsonl");
        // a1 browses anonymously, then is identified as u1 and signs up; u2 (acme, like u1) signs up; u3 is in no account.
        File.WriteAllText(events, """
            {"type":"page","anonymousId":"a1","name":"Home","messageId":"p1","timestamp":"2024-03-01T08:00:00Z"}
            {"type":"identify","anonymousId":"a1","userId":"u1","messageId":"i1","timestamp":"2024-03-01T08:30:00Z"}
            {"type":"track","userId":"u1","event":"Signed Up","messageId":"e1","timestamp":"2024-03-01T09:00:00Z"}
            {"type":"group","userId":"u1","groupId":"acme","messageId":"g1","timestamp":"2024-03-01T09:05:00Z"}
            {"type":"group","userId":"u2","groupId":"acme","messageId":"g2","timestamp":"2024-03-01T09:05:00Z"}
            {"type":"track","userId":"u2","event":"Signed Up","messageId":"e2","timestamp":"2024-03-01T10:00:00Z"}
            {"type":"track","userId":"u3","event":"Signed Up","messageId":"e3","timestamp":"2024-03-01T11:00:00Z"}

            """);
        using (var store = EventStore.Open(storePath))
        {
            store.Import([events], cancel: TestContext.Current.CancellationToken);
        }

        File.Exists(storePath + ".snapshot").ShouldBeTrue("the import writes the snapshot this test is about");
        using var reopened = EventStore.Open(storePath);

        // People: a1's page view is u1's, so three persons (u1 with 2 events, u2, u3), no a1.
        var people = reopened.LoadEventLog();
        people.Customers.ShouldBe(["u1", "u2", "u3"]);
        (people.Offsets[1] - people.Offsets[0]).ShouldBe(2);

        // Accounts: acme holds u1's two events and u2's one; u3 counts for no account.
        var accounts = reopened.LoadEventLog(new EventLogQuery { Unit = AnalysisUnit.Accounts });
        accounts.Customers.ShouldBe(["acme"]);
        accounts.EventCount.ShouldBe(3);
    }
}
