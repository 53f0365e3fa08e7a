using CsCheck;
using Trailmap.Analytics.Cohorts;
using Trailmap.Events;

namespace Trailmap.Analytics.Tests.Cohorts;

/// <summary>
/// A cohort kept up to date from what changed equals the cohort judged afresh over the whole log, on random logs,
/// random appends (backdated ones too), trait changes and random cohort definitions.
/// </summary>
public sealed class LiveCohortTests
{
    private const long Hour = 3_600_000_000L;

    private sealed record Row(string Customer, string Name, long Ts, long Seq, int P);

    private static readonly Gen<(string Customer, string Name, long Ts, int P)> GenEvent =
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, 2], Gen.Int[0, 24 * 20], Gen.Int[0, 1], (c, n, h, p) =>
            ($"c{c}", "abc"[n].ToString(), h * Hour, p));

    // A rule: did or did_not an event, maybe filtered, maybe counted, maybe windowed from another event.
    private static readonly Gen<string> GenRule =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Bool, (e, of, least, most, within, where) =>
        {
            var parts = new List<string> { $"event: {"abc"[e]}" };
            if (where)
            {
                parts.Add("where: 'p == 1'");
            }

            if (least > 1)
            {
                parts.Add($"at_least: {least}");
            }

            if (most > 0 && most >= least)
            {
                parts.Add($"at_most: {most}");
            }

            if (of > 0)
            {
                parts.Add($"of: {"abc"[of]}");
                if (within > 0)
                {
                    parts.Add($"within: {within * 2}d");
                }
            }

            return "{ " + string.Join(", ", parts) + " }";
        });

    private static readonly Gen<string> GenCohort =
        Gen.Select(GenRule.List[0, 2], GenRule.List[0, 1], Gen.Bool, (did, didNot, traits) =>
        {
            var yaml = "- id: k";
            if (did.Count > 0)
            {
                yaml += "\n  did: [" + string.Join(", ", did) + "]";
            }

            if (didNot.Count > 0)
            {
                // A did_not rule takes no counts.
                yaml += "\n  did_not: [" + string.Join(", ", didNot.Select(r => System.Text.RegularExpressions.Regex.Replace(r, @", at_(least|most): \d+", ""))) + "]";
            }

            if (traits || (did.Count == 0 && didNot.Count == 0))
            {
                yaml += "\n  traits: 'plan == \"team\"'";
            }

            return yaml;
        });

    private static readonly Gen<Dictionary<string, string>> GenTraits =
        Gen.Select(Gen.Int[0, 7], Gen.Bool, (c, team) => (c, team)).List[0, 4]
            .Select(l => l.GroupBy(t => t.c).ToDictionary(g => $"c{g.Key}", g => g.Last().team ? "team" : "free"));

    [Fact]
    public void Updating_from_the_changed_customers_equals_judging_everyone_again()
    {
        Gen.Select(GenCohort, GenEvent.List[0, 20], Gen.Select(GenEvent.List[0, 6], GenTraits).List[1, 3], GenTraits)
            .Sample((yaml, first, appends, firstTraits) =>
            {
                var cohort = CohortMembershipTests.Parse(yaml)[0];
                var rows = new List<Row>();
                var traits = new Dictionary<string, string>(firstTraits, StringComparer.Ordinal);
                void Append(IEnumerable<(string Customer, string Name, long Ts, int P)> events) =>
                    rows.AddRange(events.Select(e => new Row(e.Customer, e.Name, e.Ts, rows.Count, e.P)));

                Append(first);
                var live = new LiveCohort(cohort);
                live.Rebuild(Log(rows, traits));
                foreach (var (events, newTraits) in appends)
                {
                    Append(events);
                    foreach (var (customer, plan) in newTraits)
                    {
                        traits[customer] = plan;
                    }

                    var changed = events.Select(e => e.Customer).Concat(newTraits.Keys).ToHashSet(StringComparer.Ordinal);
                    live.Update(Log(rows.Where(r => changed.Contains(r.Customer)), traits));

                    var expected = CohortAnalysis.Members(Log(rows, traits), cohort).Order(StringComparer.Ordinal).ToList();
                    var actual = live.Members.Order(StringComparer.Ordinal).ToList();
                    if (!actual.SequenceEqual(expected))
                    {
                        throw new InvalidOperationException(
                            $"incremental [{string.Join(",", actual)}] full [{string.Join(",", expected)}] for\n{yaml}\nevents {string.Join(" ", rows.Select(r => $"{r.Customer}:{r.Name}@{r.Ts / Hour}h/p{r.P}"))}");
                    }
                }
            }, iter: 400);
    }

    private static EventLog Log(IEnumerable<Row> rows, Dictionary<string, string> traits)
    {
        var b = new EventLogBuilder();
        var customers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            b.Add(r.Customer, r.Name, r.Ts, r.Seq, new Dictionary<string, object?> { ["p"] = (double)r.P });
            customers.Add(r.Customer);
        }

        // Traits go with the customers in the log, as the store loads them.
        return b.WithTraits(traits.Where(t => customers.Contains(t.Key)).ToDictionary(
            t => t.Key,
            t => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["plan"] = t.Value },
            StringComparer.Ordinal)).Build();
    }
}
