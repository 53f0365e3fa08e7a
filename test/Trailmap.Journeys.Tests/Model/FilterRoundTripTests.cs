using Shouldly;
using Trailmap.Journeys.Model;

using Xunit;

namespace Trailmap.Journeys.Tests.Model;

/// <summary>A filter's text parses back to the same filter: the YAML writer and JSON output rely on it.</summary>
public sealed class FilterRoundTripTests
{
    [Theory]
    [InlineData("not (a == 1 and b == 2)")]
    [InlineData("(a == 1 or b == 2) and c == 3")]
    [InlineData("not (a == 1 or b == 2)")]
    [InlineData("city == \"München\"")]
    [InlineData("note == \"say \\\"hi\\\" & <go> +1\"")]
    [InlineData("path == \"C:\\\\temp\"")]
    public void Text_parses_back_to_an_equal_filter(string text)
    {
        var filter = Filter.Parse(text);
        var again = Filter.Parse(filter.ToString());
        again.ToString().ShouldBe(filter.ToString());
        Probe(again).ShouldBe(Probe(filter));
    }

    [Fact]
    public void Not_of_and_keeps_its_meaning()
    {
        // not (a and b) with a true, b false is true; "(not a) and b" would be false.
        var filter = Filter.Parse(Filter.Parse("not (a == 1 and b == 2)").ToString());
        filter.Matches(p => p == "a" ? 1.0 : 0.0).ShouldBeTrue();
    }

    [Fact]
    public void Non_ascii_and_quotes_survive()
    {
        var filter = Filter.Parse(Filter.Parse("city == \"München \\\"Süd\\\"\"").ToString());
        filter.Matches(p => p == "city" ? "München \"Süd\"" : null).ShouldBeTrue();
    }

    [Theory]
    [InlineData("14d", "14d")]
    [InlineData(" 2w ", "2w")]
    [InlineData("90s", "90s")]
    public void A_duration_keeps_the_users_spelling(string text, string shown) =>
        Duration.Parse(text).ToString().ShouldBe(shown);

    // Evaluates a filter over a few property bags so two filters can be compared by behaviour.
    private static string Probe(Filter f)
    {
        object?[] values = [null, 1.0, 2.0, 3.0, "München", "say \"hi\" & <go> +1", "C:\\temp"];
        var bits = new System.Text.StringBuilder();
        foreach (var a in values)
        {
            foreach (var b in values)
            {
                bits.Append(f.Matches(p => p switch { "a" or "city" or "note" => a, "b" or "path" => b, "c" => 3.0, _ => null }) ? '1' : '0');
            }
        }

        return bits.ToString();
    }
}

/// <summary>Metric from/to written as events survive the YAML writer (a bare text would turn them into stage ids).</summary>
public sealed class MetricEventBoundsRoundTripTests
{
    [Fact]
    public void From_and_to_events_are_written_as_mappings()
    {
        var yaml = """
            id: cs
            title: CS
            stages:
              - id: onboard
                name: Onboarding
                entry: Contract Signed
                kpis:
                  - { id: ttfv, name: TTFV, type: time-between, from: { event: Contract Signed }, to: { event: Workflow Completed, where: 'first == true' }, target: "< 14d" }
            """;
        var journey = Trailmap.Journeys.JourneyFile.FromText(yaml).Journey!;
        var again = Trailmap.Journeys.JourneyFile.FromText(Trailmap.Journeys.Writing.JourneyYamlWriter.Write(journey));
        again.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ShouldBeEmpty();
        var kpi = again.Journey!.Stages[0].Kpis[0];
        kpi.From.ShouldBeNull();
        kpi.FromEvent!.Event.ShouldBe("Contract Signed");
        kpi.ToEvent!.Where!.ToString().ShouldBe("first == true");
    }
}
