using System.Globalization;
using System.Text.Json;
using Trailmap.Analytics.Journeys;
using Trailmap.Events;
using Trailmap.Journeys.Model;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Insights;

/// <summary>One event on a customer's timeline; <see cref="EntersStage"/> names the stage this event started, if any.</summary>
/// <summary><see cref="SentAs"/> is the id the event was sent with when it is not the person's own (an anonymous id, an alias).</summary>
public sealed record TimelineEvent(DateTimeOffset At, string Event, IReadOnlyList<KeyValuePair<string, string>> Properties, string? EntersStage, string? SentAs = null);

/// <summary>
/// A stage of the journey for one customer. <see cref="Entered"/> is their first event meeting its entry criterion;
/// a customer can have one and still not be counted in the stage, when the funnel needs earlier stages first.
/// </summary>
public sealed record StageVisit(string StageId, string Name, StageVisitState State, DateTimeOffset? Entered);

public enum StageVisitState { Reached, NotCounted, NotReached, NotMeasured }

/// <summary>
/// A customer's timeline: every event in time order (timestamp, then arrival) with all its properties, read from the
/// store because the analysis parses only the properties the journey uses; and the stages the stage funnel counts
/// them in, each entered at their first event meeting its entry criterion.
/// </summary>
public sealed record CustomerTimeline(
    string Customer,
    IReadOnlyList<StageVisit> Stages,
    IReadOnlyList<TimelineEvent> Events,
    int TotalEvents,
    IReadOnlyList<KeyValuePair<string, string>> Traits)
{
    /// <summary>Every id of the person, its own first, then the ids identify and alias merged into it (docs/identity.md).</summary>
    public IReadOnlyList<string> Ids { get; init; } = [Customer];

    /// <summary>For a journey that measures accounts: the account's members (people), whose events make its timeline.</summary>
    public IReadOnlyList<string>? Members { get; init; }

    /// <summary>
    /// The personas whose trait filter the customer's traits match, as the customer list shows them; null when no
    /// persona of the journey has a trait filter.
    /// </summary>
    public IReadOnlyList<string>? Personas { get; init; }

    /// <summary>How many events the page lists; a customer with more says so rather than rendering a huge page.</summary>
    public const int Shown = 1000;

    /// <summary>The timeline, or null when the workspace has no events of <paramref name="customer"/>.</summary>
    public static async Task<CustomerTimeline?> LoadAsync(MeasuredJourney measured, StageEntries entries, EventData data, string customer, CancellationToken cancel)
    {
        // Any id of a person leads to the person's timeline: an anonymous id's link from an old email still works.
        var accounts = measured.Journey.Measure == JourneyMeasure.Accounts;
        IReadOnlyList<string> ids = [customer];
        if (!accounts)
        {
            (customer, ids) = await data.UseStoreAsync(
                store =>
                {
                    switch (store)
                    {
                        case EventStore duck:
                            var p = duck.PersonOf(customer);
                            return (p, duck.IdsOf(p));
                        case Trailmap.Events.ClickHouse.ClickHouseEventStore clickHouse:
                            var q = clickHouse.PersonOf(customer);
                            return (q, clickHouse.IdsOf(q));
                        default:
                            return (customer, (IReadOnlyList<string>)[customer]);
                    }
                },
                cancel).ConfigureAwait(false);
        }

        var c = entries.IndexOf(customer);
        if (c < 0)
        {
            return null;
        }

        var log = entries.Log;
        var (rows, members) = await data.UseStoreAsync(
            store => accounts && store is EventStore duck
                ? (duck.ReadAccount(customer, Shown), duck.MembersOf(customer))
                : (store.ReadCustomer(customer, Shown), (IReadOnlyList<string>?)null),
            cancel).ConfigureAwait(false);
        var visits = new List<StageVisit>();
        var entering = new Dictionary<int, string>();
        foreach (var stage in measured.Journey.Stages)
        {
            var k = entries.StageIndex(stage.Id);
            if (k < 0)
            {
                visits.Add(new StageVisit(stage.Id, stage.Name, StageVisitState.NotMeasured, null));
                continue;
            }

            var first = entries.FirstEntryIndex(c, k);
            var reached = k < entries.Level(c);
            var at = first >= 0 ? EventLogBuilder.FromMicros(log.Timestamps[first]) : (DateTimeOffset?)null;
            visits.Add(new StageVisit(stage.Id, stage.Name, reached ? StageVisitState.Reached : first >= 0 ? StageVisitState.NotCounted : StageVisitState.NotReached, at));
            if (reached)
            {
                // The store reads the customer's events in the log's own order, so positions line up.
                entering[first - log.Offsets[c]] = stage.Name;
            }
        }

        var events = new List<TimelineEvent>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            events.Add(new TimelineEvent(new DateTimeOffset(row.Timestamp, TimeSpan.Zero), row.Event, Properties(row.Properties), entering.GetValueOrDefault(i),
                row.CustomerId == customer ? null : row.CustomerId));
        }

        var own = log.Traits is not null && log.Traits.TryGetValue(customer, out var t2) ? t2 : null;
        var traits = own is not null
            ? own.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, TraitText(kv.Value))).ToList()
            : [];
        return new CustomerTimeline(customer, visits, events, log.Offsets[c + 1] - log.Offsets[c], traits)
        {
            Ids = ids,
            Members = members,
            Personas = CustomerProfile.PersonasOf(measured.Journey, own),
        };
    }

    /// <summary>An event's properties as name and value text, in the order stored; nested values as their JSON.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Properties(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [KeyValuePair.Create("(value)", doc.RootElement.GetRawText())];
            }

            return [.. doc.RootElement.EnumerateObject().Select(p => KeyValuePair.Create(
                p.Name,
                p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()))];
        }
        catch (JsonException)
        {
            return [KeyValuePair.Create("(unreadable)", json)];
        }
    }

    /// <summary>A trait's value as text: strings as they are, numbers invariant, anything else as its JSON.</summary>
    internal static string TraitText(object? value) => value switch
    {
        null => "null",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value),
    };
}
