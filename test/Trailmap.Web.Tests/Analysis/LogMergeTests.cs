using System.Globalization;
using System.Text;
using Trailmap.Events;
using Trailmap.Web.Analysis;

namespace Trailmap.Web.Tests.Analysis;

/// <summary>
/// A log extended with what landed since must hold exactly what a full load of the store holds: the oracle is the
/// store itself, read whole (DuckDB sorting every event), compared customer by customer.
/// </summary>
public sealed class LogMergeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_extended_log_equals_a_full_load_of_the_store()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-merge-").FullName;
        try
        {
            using var store = EventStore.Open(Path.Combine(dir, "events.duckdb"));
            var random = new Random(7);

            // Rounds of events: old customers get events before, between and after their earlier ones (equal
            // timestamps too), new customers appear, and identify-style traits arrive for some.
            var first = Path.Combine(dir, "0.jsonl");
            await File.WriteAllTextAsync(first, Events(random, 0, 40, 400), Cancel);
            store.Import([first], new ImportOptions { RefreshSnapshot = true }, cancel: Cancel);
            var query = new EventLogQuery { Properties = ["plan"] };
            var log = store.LoadEventLog(query);
            var mark = store.TraitsWatermark();
            for (var round = 1; round <= 3; round++)
            {
                var file = Path.Combine(dir, round + ".jsonl");
                await File.WriteAllTextAsync(file, Events(random, round, 40 + (round * 10), 150), Cancel);
                store.Import([file], new ImportOptions { RefreshSnapshot = round % 2 == 0 }, cancel: Cancel);

                var delta = store.LoadEventLog(query with { AfterSequence = log.MaxSequence(), TraitsUpdatedSince = mark });
                mark = store.TraitsWatermark();
                log = LogMerge.Merge(log, delta);
                Describe(log).ShouldBe(Describe(store.LoadEventLog(query)), $"round {round}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Events(Random random, int round, int customers, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var customer = "c" + random.Next(customers).ToString("00", CultureInfo.InvariantCulture);
            var at = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(random.Next(48));
            var plan = random.Next(3) == 0 ? $",\"plan\":\"p{round}\"" : "";
            text.Append(random.Next(10) == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"type\":\"identify\",\"userId\":\"{customer}\",\"traits\":{{\"tier\":\"t{round}\"}}}}\n")
                : string.Create(CultureInfo.InvariantCulture, $"{{\"user_id\":\"{customer}\",\"event\":\"E{random.Next(4)}\",\"timestamp\":\"{at:O}\"{plan}}}\n"));
        }

        return text.ToString();
    }

    /// <summary>Every customer (in id order) with their events in log order, their loaded properties and traits.</summary>
    private static List<string> Describe(EventLog log)
    {
        var lines = new List<string>();
        foreach (var c in Enumerable.Range(0, log.CustomerCount).OrderBy(c => log.Customers[c], StringComparer.Ordinal))
        {
            var events = Enumerable.Range(log.Offsets[c], log.Offsets[c + 1] - log.Offsets[c]).Select(i =>
                $"{log.Names[log.NameIds[i]]}@{log.Timestamps[i]}#{log.Sequences[i]}:{log.Property(i, "plan")}");
            var traits = log.Traits is not null && log.Traits.TryGetValue(log.Customers[c], out var t)
                ? string.Join(",", t.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))
                : "";
            lines.Add(log.Customers[c] + " [" + traits + "] " + string.Join(" ", events));
        }

        return lines;
    }
}
