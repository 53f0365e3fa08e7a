
namespace Trailmap.Events;

/// <summary>
/// What callers do with stored events, whatever engine holds them: import files, load the events a query names into
/// an <see cref="EventLog"/>, read one customer's timeline, traits, and the marks that say what landed since.
/// <see cref="EventStore"/> (an embedded DuckDB file) is one engine; every engine passes the same contract tests
/// (test/Trailmap.Events.Tests/Contract).
/// </summary>
public interface IEventStore : IDisposable
{
    /// <summary>Where the events live: a file path, ":memory:", or an engine's address.</summary>
    string Path { get; }

    /// <summary>Imports event files (CSV, JSONL, Parquet, Segment messages) atomically and idempotently; see docs/import.md.</summary>
    ImportSummary Import(IReadOnlyList<string> files, ImportOptions? options = null, IProgress<ImportProgress>? progress = null, CancellationToken cancel = default);

    /// <summary>The events, properties and traits <paramref name="query"/> names, in (customer, time, arrival) order.</summary>
    EventLog Load(EventLogQuery query, IProgress<long>? progress = null);

    /// <summary>One customer's events in (time, arrival) order with every property, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<EventRow> ReadCustomer(string customerId, int limit);

    /// <summary>Every customer's traits (or those updated at or after <paramref name="updatedSince"/>), by customer id.</summary>
    IReadOnlyList<CustomerTraits> ReadTraits(DateTimeOffset? updatedSince = null);

    /// <summary>The highest arrival sequence number stored, or null when empty: where "what landed since" starts.</summary>
    long? MaxSequence();

    /// <summary>The latest traits update, or null while no customer has traits.</summary>
    DateTimeOffset? TraitsWatermark();

    /// <summary>Counts for a status line.</summary>
    StoreSummary Summary();
}
