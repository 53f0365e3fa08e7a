using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Shouldly;
using Trailmap.Journeys.Generation;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Templates;
using Xunit;

namespace Trailmap.Journeys.Tests.Generation;

public class EventGeneratorTests
{
    private static readonly string[] TemplateNames =
        ["awareness-to-advocacy", "b2b-customer-success", "ecommerce-first-purchase", "online-course", "saas-trial"];

    public static TheoryData<string> Templates => [.. TemplateNames];

    private static Journey Template(string name) =>
        JourneyFile.FromText(TemplateCatalog.ReadYaml(name), name + ".yaml").Journey.ShouldNotBeNull();

    private static Journey Complete([CallerFilePath] string here = "") =>
        JourneyFile.Load(Path.Combine(Path.GetDirectoryName(here)!, "../../../samples/complete.yaml")).Journey.ShouldNotBeNull();

    private static byte[] Jsonl(Journey journey, GeneratorOptions options)
    {
        using var stream = new MemoryStream();
        EventGenerator.WriteJsonl(journey, options, stream);
        return stream.ToArray();
    }

    private static object? Lookup(IReadOnlyDictionary<string, object?> values, string key) => values.GetValueOrDefault(key);

    private static bool IsEntry(Stage stage, GeneratedMessage m) =>
        m.Type == MessageType.Track && stage.Entry is { } e && m.Event == e.Event
        && (e.Where is null || e.Where.Matches(k => Lookup(m.Properties, k)));

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_does_not()
    {
        var journey = Complete();
        var a = Jsonl(journey, new GeneratorOptions { Customers = 300, Seed = 42 });
        var b = Jsonl(journey, new GeneratorOptions { Customers = 300, Seed = 42 });
        var c = Jsonl(journey, new GeneratorOptions { Customers = 300, Seed = 43 });

        a.ShouldBe(b);
        a.SequenceEqual(c).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_template_generates_one_identify_per_customer_and_only_events_the_journey_references(string name)
    {
        var journey = Template(name);
        var messages = EventGenerator.Generate(journey, new GeneratorOptions { Customers = 500, Seed = 5 }).ToList();

        messages.Count(m => m.Type == MessageType.Identify).ShouldBe(500);
        messages.Where(m => m.Type == MessageType.Identify).Select(m => m.UserId).Distinct().Count().ShouldBe(500);

        // Independently collected: entries, metric events, moment conditions and anchors, intervention events, noise.
        var referenced = new HashSet<string> { "Page Viewed", "Logged In" };
        referenced.UnionWith(journey.Stages.Where(s => s.Entry is not null).Select(s => s.Entry!.Event));
        foreach (var m in journey.AllMetrics())
        {
            referenced.UnionWith(new[] { m.Event, m.ReturnEvent, m.Denominator }.OfType<EventCondition>().Select(e => e.Event));
        }

        foreach (var mot in journey.MomentsOfTruth)
        {
            if (mot.Condition is not null)
            {
                referenced.Add(mot.Condition.Event);
            }

            if (mot.Deadline?.Of is { } of && journey.FindStage(of) is null)
            {
                referenced.Add(of);
            }
        }

        foreach (var i in journey.Interventions)
        {
            referenced.UnionWith(new[] { i.When.Event, i.When.InactiveEvent, i.Goal }.OfType<EventCondition>().Select(e => e.Event));
        }

        var unknown = messages.Where(m => m.Type == MessageType.Track).Select(m => m.Event!).Where(e => !referenced.Contains(e)).Distinct().ToList();
        unknown.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Everyone_reaches_the_first_stage_reach_never_grows_and_entries_are_in_time_order(string name)
    {
        var journey = Template(name);
        var stages = journey.Stages;
        var reach = new int[stages.Count];
        foreach (var customer in EventGenerator.Generate(journey, new GeneratorOptions { Customers = 2000, Seed = 9 }).GroupBy(m => m.UserId))
        {
            DateTimeOffset? previous = null;
            for (var k = 0; k < stages.Count; k++)
            {
                var entry = customer.FirstOrDefault(m => IsEntry(stages[k], m));
                if (entry is null)
                {
                    break;
                }

                reach[k]++;
                if (previous is { } p)
                {
                    entry.Timestamp.ShouldBeGreaterThan(p, $"{customer.Key} entered {stages[k].Id} before the stage before it");
                }

                previous = entry.Timestamp;
            }
        }

        reach[0].ShouldBe(2000);
        for (var k = 1; k < stages.Count; k++)
        {
            reach[k].ShouldBeLessThanOrEqualTo(reach[k - 1]);
        }
    }

    [Theory]
    [InlineData("saas-trial")]
    [InlineData("awareness-to-advocacy")]
    [InlineData("b2b-customer-success")]
    public void Each_customer_matches_exactly_one_persona_and_every_persona_appears(string name)
    {
        var journey = Template(name);
        var personas = journey.Personas.Where(p => p.Traits is not null).ToList();
        var seen = new int[personas.Count];
        foreach (var identify in EventGenerator.Generate(journey, new GeneratorOptions { Customers = 1000, Seed = 3 }).Where(m => m.Type == MessageType.Identify))
        {
            var matches = personas.Select((p, i) => (p, i)).Where(x => x.p.Traits!.Matches(k => Lookup(identify.Properties, k))).ToList();
            matches.Count.ShouldBe(1, $"{identify.UserId} traits match {matches.Count} personas");
            seen[matches[0].i]++;
            identify.Properties.Keys.ShouldContain("email");
            identify.Properties.Keys.ShouldContain("time_zone");
        }

        seen.ShouldAllBe(n => n > 0);
        // 60/40 split: the first persona's share of 1000 lies within 4 standard deviations (sqrt(1000*0.6*0.4) = 15.5).
        Math.Abs(seen[0] - 600).ShouldBeLessThan(62);
    }

    [Fact]
    public void Plan_of_the_complete_sample_aims_targets_by_the_documented_cycle()
    {
        var plan = EventGenerator.Plan(Complete());

        // Steered in order: signup-conversion (met, 10% x 1.15), activation (missed, 65% x 0.8), time-to-value (met),
        // trial-to-paid 20%..35% (at risk, 20% x 0.95), nps-paid (met, 40 + 12), week1-retention (missed, 40% x 0.8).
        plan.Transitions.Select(t => Math.Round(t.Probability, 6)).ShouldBe([0.115, 0.52, 0.19]);
        plan.Transitions[1].MedianDelay.TotalSeconds.ShouldBe(2 * 86400 / 1.15, 1e-6);
        plan.Aims.Single(a => a.Metric.Id == "nps-paid").Aim.ShouldBe(52);
        plan.Aims.Single(a => a.Metric.Id == "week1-retention").Aim.ShouldBe(0.32, 1e-9);
        plan.Aims.Select(a => a.Intended).ShouldBe([TargetStatus.Met, TargetStatus.Missed, TargetStatus.Met, TargetStatus.AtRisk, TargetStatus.Met, TargetStatus.Missed]);
        plan.Personas.Select(p => (p.Share, p.ConversionMultiplier)).ShouldBe([(0.6, 1.08), (0.4, 0.88)]);
    }

    [Theory]
    [InlineData("saas-trial")]
    [InlineData("ecommerce-first-purchase")]
    public void With_20000_customers_each_transition_converts_within_4_standard_deviations_of_the_plan(string name)
    {
        var journey = Template(name);
        var plan = EventGenerator.Plan(journey);
        var personas = journey.Personas.Where(p => p.Traits is not null).ToList();
        var stages = journey.Stages;
        var reachedBy = new int[stages.Count, Math.Max(1, personas.Count)];
        string? user = null;
        var persona = 0;
        var reached = new bool[stages.Count];

        void Close()
        {
            for (var k = 0; k < stages.Count && reached[k]; k++)
            {
                reachedBy[k, persona]++;
            }
        }

        foreach (var m in EventGenerator.Generate(journey, new GeneratorOptions { Customers = 20000, Seed = 11, ConversionScale = 3 }))
        {
            if (m.Type == MessageType.Identify)
            {
                if (user is not null)
                {
                    Close();
                }

                user = m.UserId;
                persona = personas.Count == 0 ? 0 : personas.FindIndex(p => p.Traits!.Matches(k => Lookup(m.Properties, k)));
                Array.Clear(reached);
                continue;
            }

            for (var k = 0; k < stages.Count; k++)
            {
                reached[k] |= IsEntry(stages[k], m);
            }
        }

        Close();
        for (var k = 1; k < stages.Count; k++)
        {
            double expected = 0, variance = 0, observed = 0;
            for (var p = 0; p < Math.Max(1, personas.Count); p++)
            {
                var probability = plan.ConversionProbability(k - 1, personas.Count == 0 ? -1 : p, 3);
                expected += reachedBy[k - 1, p] * probability;
                variance += reachedBy[k - 1, p] * probability * (1 - probability);
                observed += reachedBy[k, p];
            }

            Math.Abs(observed - expected).ShouldBeLessThanOrEqualTo(4 * Math.Sqrt(variance) + 1e-9, $"{stages[k].Id}: {observed} vs {expected}");
        }
    }

    [Fact]
    public void Nps_answers_are_whole_scores_from_0_to_10()
    {
        var journey = Template("awareness-to-advocacy");
        var scores = EventGenerator.Generate(journey, new GeneratorOptions { Customers = 3000, Seed = 2, ConversionScale = 2 })
            .Where(m => m.Event == "Survey Answered")
            .Select(m => Convert.ToDouble(m.Properties["score"], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

        scores.ShouldNotBeEmpty();
        scores.ShouldAllBe(s => s >= 0 && s <= 10 && s == Math.Floor(s));
    }

    [Fact]
    public void Jsonl_lines_are_segment_messages_with_unique_ids_except_documented_duplicates()
    {
        var text = Encoding.UTF8.GetString(Jsonl(Complete(), new GeneratorOptions { Customers = 2000, Seed = 8 }));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ids = new Dictionary<string, string>();
        var duplicates = 0;
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString();
            type.ShouldBeOneOf("identify", "track");
            root.GetProperty("userId").GetString().ShouldNotBeNullOrEmpty();
            root.GetProperty(type == "identify" ? "traits" : "properties").ValueKind.ShouldBe(JsonValueKind.Object);
            if (type == "track")
            {
                root.GetProperty("event").GetString().ShouldNotBeNullOrEmpty();
            }

            var stamp = root.GetProperty("timestamp").GetString()!;
            stamp.ShouldMatch(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$");
            var id = root.GetProperty("messageId").GetString()!;
            id.ShouldStartWith("8-");
            if (ids.TryGetValue(id, out var first))
            {
                first.ShouldBe(line, "a repeated messageId must repeat the whole message");
                duplicates++;
            }

            ids[id] = line;
        }

        // 0.5% of 2000 customers: 10 expected, binomial sd 3.2; 4 sd either side.
        duplicates.ShouldBeInRange(0, 23);
    }

    [Fact]
    public void Csv_has_the_documented_columns_and_one_row_per_track()
    {
        var journey = Complete();
        var options = new GeneratorOptions { Customers = 50, Seed = 4 };
        using var writer = new StringWriter();
        EventGenerator.WriteCsv(journey, options, writer);
        var rows = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        rows[0].ShouldBe("user_id,event,timestamp,message_id,properties");
        (rows.Length - 1).ShouldBe(EventGenerator.Generate(journey, options).Count(m => m.Type == MessageType.Track));
    }
}
