using Trailmap.Events.ClickHouse;
using Trailmap.Events.Tests.Contract;

namespace Trailmap.Events.Tests.ClickHouse;

/// <summary>The storage contract on the ClickHouse engine, on the two-shard test cluster, in a database of its own.</summary>
public sealed class ClickHouseEventStoreContractTests : EventStoreContract
{
    private ClickHouseServer? server;

    protected override IEventStore CreateEmpty(TimeProvider time)
    {
        server = ClickHouseServer.FreshDatabase();
        return ClickHouseEventStore.Open(server.Address, time);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        server?.Dispose();
    }
}
