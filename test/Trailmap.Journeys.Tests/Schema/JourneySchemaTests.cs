using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using Trailmap.Journeys.Parsing;
using Trailmap.Journeys.Schema;
using Trailmap.Journeys.Tests.Parsing;
using Xunit;

namespace Trailmap.Journeys.Tests.Schema;

public sealed class JourneySchemaTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(JourneySchema.Json).RootElement;

    private static IReadOnlyList<string> Check(string yaml) => new SchemaChecker(Root).Check(YamlToJson.Convert(yaml));

    public static TheoryData<string> Kinds() => [.. FormatKeys.ByKind.Keys];

    [Fact]
    public void Schema_is_draft07_json_embedded_in_the_assembly()
    {
        Root.GetProperty("$schema").GetString().ShouldBe("http://json-schema.org/draft-07/schema#");
        JourneySchema.Json.ShouldBe(File.ReadAllText(TestPaths.Repo("src", "Trailmap.Journeys", "Schema", "journey.schema.json")));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Definition_of_each_kind_declares_exactly_the_keys_the_parser_reads(string kind)
    {
        var definition = Root.GetProperty("definitions").GetProperty(kind);
        var properties = ObjectForm(definition).GetProperty("properties").EnumerateObject().Select(p => p.Name);
        properties.ShouldBe(FormatKeys.Of(kind));
        ObjectForm(definition).GetProperty("additionalProperties").ValueKind.ShouldBe(JsonValueKind.False);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_property_has_a_description_for_editor_hover(string kind)
    {
        foreach (var p in ObjectForm(Root.GetProperty("definitions").GetProperty(kind)).GetProperty("properties").EnumerateObject())
        {
            p.Value.TryGetProperty("description", out var d).ShouldBeTrue($"{kind}.{p.Name} has no description");
            d.GetString().ShouldNotBeNullOrWhiteSpace();
        }
    }

    [Fact]
    public void Complete_sample_is_accepted() =>
        Check(File.ReadAllText(TestPaths.Repo("samples", "complete.yaml"))).ShouldBeEmpty();

    [Fact]
    public void Every_sample_is_accepted()
    {
        foreach (var file in Directory.GetFiles(TestPaths.Repo("samples"), "*.yaml"))
        {
            Check(File.ReadAllText(file)).ShouldBeEmpty(Path.GetFileName(file));
        }
    }

    [Fact]
    public void Every_template_is_accepted()
    {
        var folder = TestPaths.Repo("src", "Trailmap.Journeys", "Templates");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.yaml") : [];
        foreach (var file in files)
        {
            Check(File.ReadAllText(file)).ShouldBeEmpty(Path.GetFileName(file));
        }
    }

    [Fact]
    public void Unknown_key_is_rejected() =>
        Check("""
            id: j
            title: T
            stages: [{ id: a, name: A, colour: red }]
            """).ShouldBe(["$.stages[0]: unknown property 'colour'"]);

    [Fact]
    public void Missing_required_field_is_rejected() =>
        Check("""
            id: j
            stages: [{ id: a, name: A }]
            """).ShouldBe(["$: missing required 'title'"]);

    [Fact]
    public void Bad_enum_value_is_rejected()
    {
        var errors = Check("""
            id: j
            title: T
            stages:
              - id: a
                name: A
                opportunities: [{ text: Faster import, type: improve }]
            """);
        errors.Count.ShouldBe(1);
        errors[0].ShouldStartWith("$.stages[0].opportunities[0]: matches none of the allowed forms");
        errors[0].ShouldContain("$.stages[0].opportunities[0].type: 'improve' is not one of");
    }

    [Fact]
    public void A_frequency_kpi_needs_its_event_and_period()
    {
        Check("""
            id: j
            title: T
            stages: [{ id: a, name: A, kpis: [{ id: f, name: F, type: frequency, event: Session Started, period: week }] }]
            """).ShouldBeEmpty();
        Check("""
            id: j
            title: T
            stages: [{ id: a, name: A, kpis: [{ id: f, name: F, type: frequency, event: Session Started }] }]
            """).ShouldContain(e => e.Contains("missing required 'period'", StringComparison.Ordinal));
    }

    [Fact]
    public void An_nrr_kpi_needs_its_event_property_and_period() =>
        Check("""
            id: j
            title: T
            stages: [{ id: a, name: A, kpis: [{ id: n, name: NRR, type: nrr, event: Invoice Paid, target: "115%" }] }]
            """).ShouldContain(e => e.Contains("missing required 'property'", StringComparison.Ordinal));

    [Fact]
    public void A_viral_coefficient_kpi_needs_its_invite_and_signup_events() =>
        Check("""
            id: j
            title: T
            stages: [{ id: a, name: A, kpis: [{ id: k, name: K, type: viral-coefficient, event: Invite Sent, target: "0.4" }] }]
            """).ShouldContain(e => e.Contains("missing required 'signup'", StringComparison.Ordinal));

    [Theory]
    [InlineData("./business-plan.md", true)]
    [InlineData("https://docs.restate.dev/", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("JavaScript:alert(1)", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("//evil.example/x", false)]
    [InlineData("./business plan.md", false)]
    public void A_links_url_is_http_https_or_relative_in_the_schema_too(string url, bool accepted)
    {
        var errors = Check($$"""
            id: j
            title: T
            links: [{ title: Plan, url: "{{url}}" }]
            stages: [{ id: a, name: A }]
            """);
        (errors.Count == 0).ShouldBe(accepted, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("monthly on Friday at 5 PM UTC", true)]
    [InlineData("Friday 5 PM UTC", true)]
    [InlineData("weekly, Fridays at 17:30 Europe/Paris", true)]
    [InlineData("now and then", false)]
    [InlineData("Friday 5 PM", false)]
    public void A_cadence_with_a_weekday_and_a_time_is_accepted_by_the_schema(string cadence, bool accepted)
    {
        var errors = Check($$"""
            id: j
            title: T
            stages: [{ id: a, name: A, touchpoints: [{ id: t, name: T, cadence: "{{cadence}}" }] }]
            """);
        (errors.Count == 0).ShouldBe(accepted, string.Join("\n", errors));
    }

    [Fact]
    public void One_file_with_all_three_mistakes_reports_each()
    {
        var errors = Check("""
            id: j
            stages:
              - id: a
                name: A
                colour: red
                touchpoints: [{ name: Call, layer: middle }]
            """);
        errors.ShouldContain("$: missing required 'title'");
        errors.ShouldContain("$.stages[0]: unknown property 'colour'");
        errors.ShouldContain(e => e.Contains("$.stages[0].touchpoints[0].layer: 'middle' is not one of", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("target: \">= 65%\"", true)]
    [InlineData("target: \"< 2d\"", true)]
    [InlineData("target: 20%..35%", true)]
    [InlineData("target: \"> 40\"", true)]
    [InlineData("target: 40", false)]
    [InlineData("target: \"at least 40\"", false)]
    [InlineData("window: 14d", true)]
    [InlineData("window: 14 days", true)]
    [InlineData("window: fortnight", false)]
    [InlineData("id: Has Spaces", false)]
    [InlineData("type: funnel", false)]
    public void Metric_values_follow_the_parser(string line, bool accepted)
    {
        var fields = new Dictionary<string, string> { ["id"] = "id: k", ["type"] = "type: score" };
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];
        fields[key] = line;
        var yaml = $"id: j\ntitle: T\nstages: [{{ id: a, name: A }}]\nmetrics:\n  - {{ name: K, {string.Join(", ", fields.Values)} }}\n";
        (Check(yaml).Count == 0).ShouldBe(accepted, yaml);
    }

    [Theory]
    [InlineData("{ event: Signed Up }", true)]
    [InlineData("{ no_event: Logged In, for: 14d }", true)]
    [InlineData("{ no_event: Logged In }", false)]
    [InlineData("{ stuck_in_stage: a, for: 7d }", true)]
    [InlineData("{ metric: \"health < 60\" }", true)]
    [InlineData("{ event: Signed Up, entered_stage: a }", false)]
    [InlineData("{ for: 3d }", false)]
    public void Condition_names_exactly_one_kind(string when, bool accepted)
    {
        var yaml = $"id: j\ntitle: T\nstages: [{{ id: a, name: A }}]\ninterventions:\n  - {{ id: i, name: I, when: {when}, then: {{ channel: slack, message: hi }} }}\n";
        (Check(yaml).Count == 0).ShouldBe(accepted, yaml);
    }

    [Theory]
    [InlineData("{ channel: email, subject: Hi }", true)]
    [InlineData("{ channel: email }", false)]
    [InlineData("{ channel: webhook }", false)]
    [InlineData("{ channel: webhook, url: \"https://example.com/hook\" }", true)]
    [InlineData("{ channel: fax }", false)]
    public void Action_needs_what_its_channel_needs(string then, bool accepted)
    {
        var yaml = $"id: j\ntitle: T\nstages: [{{ id: a, name: A }}]\ninterventions:\n  - {{ id: i, name: I, when: {{ event: X }}, then: {then} }}\n";
        (Check(yaml).Count == 0).ShouldBe(accepted, yaml);
    }

    [Theory]
    [InlineData("{ id: k, name: K, type: retention, event: Signed Up }", false)]
    [InlineData("{ id: k, name: K, type: retention, event: Signed Up, period: week, period_number: 1 }", true)]
    [InlineData("{ id: k, name: K, type: nps, event: Survey Answered }", false)]
    [InlineData("{ id: k, name: K, type: conversion }", false)]
    [InlineData("{ id: k, name: K, type: conversion, from: a, to: a }", true)]
    public void Journey_metric_needs_the_inputs_of_its_type(string metric, bool accepted)
    {
        var yaml = $"id: j\ntitle: T\nstages: [{{ id: a, name: A }}]\nmetrics:\n  - {metric}\n";
        (Check(yaml).Count == 0).ShouldBe(accepted, yaml);
    }

    [Fact]
    public void Shorthand_forms_are_accepted() =>
        Check("""
            id: j
            title: T
            stages:
              - id: a
                name: A
                touchpoints: [Signup form]
                actions: [Creates an account]
                emotion: 4
                pain_points: [Too many fields]
                opportunities: [Fewer fields]
                entry: Signed Up
              - id: b
                name: B
                entry: { event: Board Shared, where: 'seats >= 5' }
                kpis: [{ id: k, name: K, type: count, event: { event: Board Shared, where: { plan: team, seats: 5 } } }]
            """).ShouldBeEmpty();

    [Fact]
    public void Checker_refuses_keywords_it_does_not_implement() =>
        Should.Throw<NotSupportedException>(() =>
            new SchemaChecker(JsonDocument.Parse("""{ "uniqueItems": true }""").RootElement).Check(new JsonArray()));

    private static JsonElement ObjectForm(JsonElement definition)
    {
        if (definition.TryGetProperty("properties", out _))
        {
            return definition;
        }

        return definition.GetProperty("anyOf").EnumerateArray().Single(d => d.TryGetProperty("properties", out _));
    }
}
