using Microsoft.Playwright;
using Shouldly;
using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Testing;

using Xunit;

namespace Trailmap.Export.Tests;

/// <summary>A map whose every text field is an attack renders as text: no script runs, no element is injected.</summary>
public sealed class XssInChromiumTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    // Each payload, if it escaped into markup, would set window.__xss or open a dialog.
    private static readonly string[] Payloads =
    [
        "<script>window.__xss='script'</script>",
        "\"><img src=x onerror=\"window.__xss='img'\">",
        "'><svg onload=\"window.__xss='svg'\">",
        "</style><script>window.__xss='style'</script>",
        "javascript:window.__xss='href'",
        "<iframe srcdoc=\"<script>parent.__xss='iframe'</script>\"></iframe>",
        "]]><script>window.__xss='cdata'</script>",
        "{{constructor.constructor('window.__xss=1')()}}",
    ];

    private static int _next;

    private static string P() => Payloads[_next++ % Payloads.Length];

    public static Journey Hostile()
    {
        EventCondition Ev() => new() { Event = P(), Where = new Filter.Comparison("plan", FilterOperator.Equal, [P()]) };
        InterventionAction Act() => new() { Channel = ActionChannel.Email, Template = P(), Subject = P(), To = P(), Url = P(), Message = P() };
        Metric Kpi(string id) => new() { Id = id, Name = P(), Type = MetricType.Conversion, Target = Target.Parse(">= 50%"), Description = P(), From = "s1", To = "s2" };
        Stage Stage(string id) => new()
        {
            Id = id,
            Name = P(),
            Goal = P(),
            Mindset = P(),
            Timeframe = P(),
            Timing = new() { Bound = TimingBound.Exactly, Text = P() },
            Description = P(),
            Touchpoints =
            [
                new()
                {
                    Id = id + "-tp", Name = P(), Channel = P(), Owner = P(), Ideal = P(), Timing = new() { Bound = TimingBound.AtMost, Subject = P(), Text = P() },
                    CriticalElements = [new() { Name = P(), Detail = P() }],
                },
            ],
            Actions = [new() { Name = P(), Score = 3, Personas = ["p1"], Timing = new() { Bound = TimingBound.Exactly, Text = P() } }],
            Thoughts = [P(), P()],
            Emotion = new() { Score = 2, Feelings = [P(), P()] },
            PainPoints = [new() { Id = id + "-pain", Text = P() }],
            Opportunities = [new() { Id = id + "-opp", Text = P(), Owner = P(), Addresses = [id + "-pain"] }],
            Kpis = [Kpi(id + "-kpi")],
            Entry = Ev(),
            Ideal = new() { Emotion = 4, Description = P(), CriticalElements = [new() { Name = P() }, new() { Name = P(), Detail = P() }] },
        };

        return new Journey
        {
            Id = "hostile",
            Title = P(),
            Description = P(),
            Owner = P(),
            Tags = [P(), P()],
            Personas = [new() { Id = "p1", Name = P(), Role = P(), Quote = P(), Goals = [P()], Pains = [P()], Motivations = [P()], Demographics = new Dictionary<string, string> { [P()] = P() } }],
            Stages = [Stage("s1"), Stage("s2")],
            MomentsOfTruth = [new() { Id = "m1", Name = P(), Stage = "s1", Condition = Ev(), Deadline = new Deadline(Duration.Parse("7d"), P(), "within 7d"), Impact = P(), Action = P() }],
            Milestones = [new() { Id = "ms1", At = P(), Name = P(), Stage = "s1", Description = P() }],
            CriticalTouchpoints = [new() { Touchpoint = "s1-tp", Rank = 1, Why = P() }],
            Flows = [new() { Id = "f1", Name = P(), Description = P(), Touchpoint = "s1-tp", Steps = [new() { Name = P(), Stage = "s1" }, new() { Name = P(), Touchpoint = "s2-tp" }] }],
            Metrics = [Kpi("j-kpi")],
            Interventions = [new() { Id = "i1", Name = P(), Stage = "s1", When = new() { Event = Ev() }, Then = Act(), Goal = Ev() }],
            Sequences = [new() { Id = "q1", Name = P(), Trigger = new() { Event = Ev() }, Steps = [new() { Day = 0, Then = Act() }], Exit = Ev() }],
        };
    }

    private static JourneyActuals HostileActuals() => new()
    {
        Journey = "hostile",
        Stages = [new() { Id = "s1", Reached = 10, Emotion = 3 }, new() { Id = "s2", Reached = 5, Conversion = 0.5, Emotion = 2 }],
        Kpis = [new() { Id = "s2-kpi", Actual = 0.5, Status = TargetStatus.Met }],
        Bottleneck = "s2",
    };

    [Fact]
    public async Task No_script_runs_and_no_element_is_injected_by_the_html_map()
    {
        var html = HtmlRenderer.Render(Hostile(), HostileActuals());
        await AssertInertAsync(html, "xss-map.html");
    }

    [Fact]
    public async Task No_script_runs_and_no_element_is_injected_by_the_svg_map()
    {
        var svg = SvgRenderer.Render(Hostile(), HostileActuals());
        await AssertInertAsync(svg, "xss-map.svg");
    }

    private async Task AssertInertAsync(string markup, string fileName)
    {
        var path = Path.Combine(RepoPaths.Artifacts, fileName);
        await File.WriteAllTextAsync(path, markup);
        // Scripts enabled on purpose: the test must see a payload run if one got through.
        await using var context = await chromium.Browser.NewContextAsync(new() { JavaScriptEnabled = true, Offline = true });
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) =>
        {
            dialogs++;
            _ = d.DismissAsync();
        };
        await page.GotoAsync(new Uri(path).AbsoluteUri);
        await page.WaitForLoadStateAsync(LoadState.Load);

        (await page.EvaluateAsync<string?>("() => window.__xss ?? null")).ShouldBeNull("a payload ran");
        dialogs.ShouldBe(0);
        (await page.EvaluateAsync<int>("() => document.querySelectorAll('script, iframe, img, object, embed').length")).ShouldBe(0, "an element was injected");
        (await page.EvaluateAsync<int>("() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length")).ShouldBe(0, "an event handler attribute was injected");
        (await page.EvaluateAsync<int>("() => [...document.querySelectorAll('[href], [src], [xlink\\\\:href]')].filter(e => /javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || '')).length")).ShouldBe(0, "a javascript: link was injected");
        // And the text is still there, shown to the reader as written.
        (await page.ContentAsync()).ShouldContain("window.__xss");
    }
}
