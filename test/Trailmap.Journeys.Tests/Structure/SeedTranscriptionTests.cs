using System.Text.Json;
using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Parsing;
using Trailmap.Journeys.Validation;
using Xunit;

namespace Trailmap.Journeys.Tests.Structure;

/// <summary>
/// samples/seed-004-restate.yaml: a customer's journey document (the Restate in Go tutorials) transcribed by
/// following only docs/journey-format.md. Every expectation below is read from the document by hand, not from
/// the code's output.
/// </summary>
public sealed class SeedTranscriptionTests
{
    private static readonly string SamplePath = TestPaths.Repo("samples", "seed-004-restate.yaml");

    /// <summary>The document's "Stage 1: Awareness (Day 0)" ... "Stage 7: Advocacy (Day 90+)" headings, in order.</summary>
    private static readonly (string Name, string Timeframe)[] DocumentStages =
    [
        ("Awareness", "Day 0"),
        ("Interest", "Days 0-3"),
        ("Consideration", "Days 3-14"),
        ("Purchase", "Day X"),
        ("Onboarding", "Days 1-7 after purchase"),
        ("Success", "Days 7-90"),
        ("Advocacy", "Day 90+"),
    ];

    private static Journey Sample()
    {
        var file = JourneyFile.Load(SamplePath);
        file.Diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    /// <summary>Every string value of a JSON document, one per line.</summary>
    private static string Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() + "\n",
        JsonValueKind.Object => string.Concat(e.EnumerateObject().Select(p => Strings(p.Value))),
        JsonValueKind.Array => string.Concat(e.EnumerateArray().Select(Strings)),
        _ => "",
    };

    private static Stage StageNamed(Journey j, string name) => j.Stages.Single(s => s.Name == name);

    [Fact]
    public void Validates_with_no_errors_and_has_the_documents_seven_stages_in_order()
    {
        var j = Sample();

        j.Stages.Select(s => (s.Name, s.Timeframe ?? "")).ShouldBe(DocumentStages);
    }

    [Fact]
    public void Stage_parts_land_in_their_keys()
    {
        var j = Sample();

        var awareness = StageNamed(j, "Awareness");
        awareness.Mindset.ShouldBe("I need to learn distributed systems / Restate");
        awareness.Emotion!.Feelings.ShouldBe(["Frustrated", "skeptical", "hopeful"]);
        awareness.Emotion.Score.ShouldBeNull();
        awareness.PainPoints.Single().Text.ShouldBe("Overwhelmed by complexity, poor documentation");

        // "Scroll depth > 50%".
        var scroll = awareness.Kpis.Single(k => k.Name == "Scroll depth");
        (scroll.Target!.Comparison, scroll.Target.Unit, scroll.Target.Text).ShouldBe((TargetComparison.MoreThan, TargetUnit.Percent, "> 50%"));

        // Stage 7: "NPS score > 50", "Referrals per customer > 0.2".
        var advocacy = StageNamed(j, "Advocacy");
        var nps = advocacy.Kpis.Single(k => k.Type == MetricType.Nps);
        (nps.Target!.Comparison, nps.Target.Value).ShouldBe((TargetComparison.MoreThan, 50));
        var referrals = advocacy.Kpis.Single(k => k.Name == "Referrals per customer");
        (referrals.Type, referrals.Target!.Value).ShouldBe((MetricType.ViralCoefficient, 0.2));

        // Stage 4: "Cart abandonment < 20%"; the "Checkout Optimization" list is optimization opportunities.
        var purchase = StageNamed(j, "Purchase");
        var abandonment = purchase.Kpis.Single(k => k.Name == "Cart abandonment");
        (abandonment.Target!.Comparison, abandonment.Target.Text).ShouldBe((TargetComparison.LessThan, "< 20%"));
        purchase.Opportunities.Where(o => o.Kind == OpportunityKind.Optimization).Select(o => o.Text).ShouldContain("Guest checkout (no account required)");

        // Stage 3's objections and their answers: "Will it become outdated?" -> "Lifetime updates promise".
        var consideration = StageNamed(j, "Consideration");
        var outdated = consideration.PainPoints.Single(p => p.Text.Contains("outdated", StringComparison.Ordinal));
        consideration.Opportunities.Single(o => o.Addresses.Contains(outdated.Id)).Text.ShouldBe("Lifetime updates promise");

        // "3. Social Media Engagement ... Goal: Stay top-of-mind".
        consideration.Touchpoints.Single(t => t.Channel == "Twitter").Goal.ShouldBe("Stay top-of-mind");
        // The product page's "Critical Elements" are its ideal state's critical elements.
        purchase.Touchpoints.Single(t => t.Name == "Product Page (Gumroad)").CriticalElements.Select(e => e.Name).ShouldContain("Clear pricing");
    }

    [Fact]
    public void Journey_wide_parts_land_in_their_keys()
    {
        var j = Sample();

        // "Journey Metrics Dashboard": seven rows, e.g. Awareness / Website visitors / 1,000/mo.
        j.Metrics.Count.ShouldBe(7);
        j.Metrics[0].Target!.Value.ShouldBe(1000);

        // "Referral Program: You get: $20 credit for each sale / They get: 10% off".
        var referral = j.Programs.Single(p => p.Kind == ProgramKind.Referral);
        referral.Rewards.Select(r => r.Reward).ShouldBe(["$20 credit for each sale", "10% off"]);

        // "Welcome email (from you, triggered via webhook)" is an engineered trigger into onboarding.
        j.Triggers.ShouldContain(t => t.Kind == TriggerKind.Engineered && t.Stages.Contains("onboarding") && t.Name.Contains("webhook", StringComparison.Ordinal));

        // "Lapsed Users (No activity in 30 days)".
        var lapsed = j.Interventions.Single(i => i.Id == "lapsed-users");
        lapsed.When.InactiveFor!.ToString()!.ShouldContain("30");
        lapsed.Then.Subject.ShouldBe("Miss you! What happened?");

        // "Email 1 (Immediate) ... Email 5 (Day 14)".
        var nurture = j.Sequences.Single(s => s.Id == "nurture");
        nurture.Steps.Select(s => s.Day).ShouldBe([0, 3, 7, 10, 14]);
        nurture.Steps[4].Then.Subject.ShouldBe("Ready for Next Level? (Special Offer Inside)");

        // "Fast time-to-value (< 1 hour to first win)".
        var firstWin = j.ActivationPaths.Single();
        (firstWin.TimeToValue!.Comparison, firstWin.TimeToValue.Unit).ShouldBe((TargetComparison.LessThan, TargetUnit.Duration));

        // The document has no roadmap, cohort table or personas: nothing is invented for them.
        j.Roadmap.ShouldBeEmpty();
        j.CohortTargets.ShouldBeEmpty();
        j.Personas.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("html")]
    [InlineData("svg")]
    [InlineData("markdown")]
    [InlineData("csv")]
    [InlineData("json")]
    public void Every_render_shows_every_stage_and_an_emoji_of_the_document(string format)
    {
        var j = Sample();
        var output = format switch
        {
            "html" => HtmlRenderer.Render(j),
            "svg" => SvgRenderer.Render(j),
            "markdown" => MarkdownRenderer.Render(j),
            "csv" => CsvRenderer.Render(j),
            _ => JsonRenderer.Render(j),
        };

        foreach (var (name, _) in DocumentStages)
        {
            (format == "json" ? Strings(JsonDocument.Parse(output).RootElement) : output).ShouldContain(name);
        }

        // "Email Signup Form: 🚀 Get Full Access to All 4 Free Modules".
        // JSON escapes non-ASCII text, so its string values are read back.
        (format == "json" ? Strings(JsonDocument.Parse(output).RootElement) : output).ShouldContain("🚀");
    }

    [Fact]
    public void The_customers_side_messages_and_timing_land_in_their_keys()
    {
        var j = Sample();

        // Each stage's "Customer State ... Goal:" line, beside "Your Goal".
        j.Stages.Select(s => s.CustomerGoal).ShouldBe(
        [
            "Find quality learning resources", "Evaluate quality and comprehensiveness", "Determine if investment is worth it",
            "Quick, secure purchase", "Get up and running quickly, see ROI", "Master Restate, apply to real project", "Help others, give back",
        ]);

        // "Stranger → Visitor → Lead → Customer → Advocate" over "Unaware Interested Problem Success Evangelist".
        j.CustomerStates.Select(c => (c.Name, c.Description)).ShouldBe(
            [("Stranger", "Unaware"), ("Visitor", "Interested"), ("Lead", "Problem"), ("Customer", "Success"), ("Advocate", "Evangelist")]);

        // "Optimization Opportunities: High-Impact Improvements", five for the whole journey, no longer inside stages.
        j.Opportunities.Count.ShouldBe(5);
        j.Opportunities.ShouldAllBe(o => o.Kind == OpportunityKind.Optimization && o.Priority == Level.High);
        j.Opportunities[4].Text.ShouldBe("Stronger community: Can we increase engagement?");
        StageNamed(j, "Success").Opportunities.ShouldBeEmpty();

        // "Pros of Buying" are motivations, not thoughts.
        var consideration = StageNamed(j, "Consideration");
        consideration.Motivations.Count.ShouldBe(5);
        consideration.Motivations[4].ShouldBe("Career investment ($99 vs salary bump)");
        consideration.Thoughts.ShouldNotContain(t => t.StartsWith("Pro", StringComparison.Ordinal));

        // "Email 4 (Day 10): Objection Handling" keeps its body; "Welcome Email (Sent within 5 minutes)".
        var nurture = j.Sequences.Single(s => s.Id == "nurture");
        nurture.Steps.ShouldAllBe(s => s.Then.Body != null);
        nurture.Steps[3].Then.Body.ShouldNotBeNull().ShouldContain("Fair question. Here's my honest answer:");
        var welcome = j.Sequences.Single(s => s.Id == "onboarding-emails").Steps[0];
        (welcome.After?.Text, welcome.Offset).ShouldBe(("5m", TimeSpan.FromMinutes(5)));
        j.Interventions.Single(i => i.Id == "refund-response").Then.Body.ShouldNotBeNull().ShouldContain("Refund processing now");

        // "Channel Distribution: 40% - Google Search, 25% - GitHub, 20% - Social Media, 10% - Direct, 5% - Other".
        StageNamed(j, "Awareness").Touchpoints.Where(t => t.Share is not null).Select(t => (t.Channel, t.Share))
            .ShouldBe([("search", 0.40), ("GitHub", 0.25), ("social", 0.20), ("direct", 0.10), ("other", 0.05)]);

        // "Email Newsletter (Weekly)"; "Weekly:" four things, "Monthly:" three.
        var success = StageNamed(j, "Success");
        var newsletter = success.Touchpoints.Single(t => t.Id == "weekly-newsletter");
        newsletter.Cadence.ShouldBe("weekly");
        newsletter.Content.ShouldNotBeNull().ShouldContain("Office hours: Friday 5 PM UTC");
        success.Actions.Count(a => a.Cadence == "weekly").ShouldBe(4);
        success.Actions.Count(a => a.Cadence == "monthly").ShouldBe(3);
    }

    [Theory]
    [InlineData("html")]
    [InlineData("svg")]
    [InlineData("markdown")]
    [InlineData("csv")]
    [InlineData("json")]
    public void Every_render_shows_the_customers_side_the_message_bodies_and_the_timing(string format)
    {
        var j = Sample();
        var output = format switch
        {
            "html" => HtmlRenderer.Render(j),
            "svg" => SvgRenderer.Render(j),
            "markdown" => MarkdownRenderer.Render(j),
            "csv" => CsvRenderer.Render(j),
            _ => Strings(JsonDocument.Parse(JsonRenderer.Render(j)).RootElement),
        };

        string[] expected =
        [
            "Find quality learning", // Awareness's customer goal (the SVG header wraps after "learning")
            "Stranger", "Evangelist", // the overview chain
            "Stronger community", // a journey-wide opportunity
            "Career investment", // a pro of buying
            "Fair question.", // Email 4's body
            "Refund processing now", // the refund response's body
            "Office hours: Friday 5 PM UTC", // the newsletter's content
        ];
        foreach (var text in expected)
        {
            output.ShouldContain(text, customMessage: $"{format} lacks '{text}'");
        }

        // The welcome email five minutes after purchase, and the monthly office hours.
        string[] timing = format switch
        {
            "html" or "svg" => ["after 5m", "↻ monthly"],
            "json" => ["5m", "monthly"],
            _ => ["after 5m", "Vote on new module topics (monthly)"],
        };
        foreach (var text in timing)
        {
            output.ShouldContain(text, customMessage: $"{format} lacks '{text}'");
        }
    }

    [Fact]
    public void Html_and_svg_draw_the_emotion_curve_derived_from_the_documents_feelings()
    {
        var j = Sample();

        // Every stage names feelings ("Frustrated, skeptical, hopeful"...) and no score, so each gets a derived point.
        j.Stages.Count(s => s.Emotion?.DerivedScore is not null).ShouldBe(7);

        HtmlRenderer.Render(j).ShouldContain("<polyline class=\"line derived\"");
        SvgRenderer.Render(j).ShouldContain("<polyline class=\"curve derived\"");
        MarkdownRenderer.Render(j).ShouldContain("derived from feelings: Frustrated, skeptical, hopeful");
    }

    [Fact]
    public void The_related_documents_are_links_with_their_titles_and_urls_in_every_render()
    {
        var j = Sample();

        // The document ends with "📚 Related Documents:" and three Markdown links, relative to the document.
        (string, string)[] expected =
        [
            ("Business Plan", "./business-plan.md"),
            ("Marketing Strategy", "./marketing-strategy.md"),
            ("Support Runbook", "./support-runbook.md"),
        ];
        j.Links.Select(l => (l.Title, l.Url)).ShouldBe(expected);

        var html = HtmlRenderer.Render(j);
        var markdown = MarkdownRenderer.Render(j);
        var svg = SvgRenderer.Render(j);
        var csv = CsvRenderer.Render(j);
        using var json = JsonDocument.Parse(JsonRenderer.Render(j));
        foreach (var (title, url) in expected)
        {
            html.ShouldContain($"<a href=\"{url}\" rel=\"noopener noreferrer\">{url}</a>");
            html.ShouldContain($"<h3>{title}</h3>");
            markdown.ShouldContain($"[{url}](<{url}>)");
            svg.ShouldContain(title);
            svg.ShouldContain(url);
            csv.ShouldContain($"Related documents: {title},Link: {url}");
        }

        json.RootElement.GetProperty("links").EnumerateArray().Select(l => (l.GetProperty("title").GetString()!, l.GetProperty("url").GetString()!)).ShouldBe(expected);
    }

    [Fact]
    public void Office_hours_keep_their_day_and_hour_in_the_cadence()
    {
        var j = Sample();

        // "Monthly: Attend office hours (live Q&A)" and the newsletter's "Office hours: Friday 5 PM UTC".
        var hours = StageNamed(j, "Success").Touchpoints.Single(t => t.Id == "office-hours");
        hours.Cadence.ShouldBe("monthly on Friday at 5 PM UTC");
        Cadence.Read(hours.Cadence!, out _).ShouldBe(new CadenceParts("monthly", DayOfWeek.Friday, new TimeOnly(17, 0), "UTC"));
    }

    [Fact]
    public void Times_written_in_words_are_timings_with_their_bounds()
    {
        var j = Sample();

        // Stage 1: "Scans content quickly (15 seconds)"; "Time on page > 2 minutes" (120 s, the bound excluded).
        var awareness = StageNamed(j, "Awareness");
        var scans = awareness.Actions.Single(a => a.Name == "Scans content quickly").Timing!;
        (scans.Bound, scans.Max!.Value.TotalSeconds).ShouldBe((TimingBound.Exactly, 15d));
        var timeOnPage = awareness.Kpis.Single(k => k.Name == "Time on page").Target!;
        (timeOnPage.Comparison, timeOnPage.Value, timeOnPage.Unit).ShouldBe((TargetComparison.MoreThan, 120d, TargetUnit.Duration));

        // Stage 2: "Average session duration > 5 mins" (300 s).
        StageNamed(j, "Interest").Kpis.Single(k => k.Name == "Average session duration").Target!.Value.ShouldBe(300);

        // Stage 4: "Complete purchase (< 2 minutes)".
        var purchase = StageNamed(j, "Purchase").Actions.Single(a => a.Name == "Complete purchase").Timing!;
        (purchase.Bound, purchase.Strict, purchase.Max!.Value.TotalSeconds).ShouldBe((TimingBound.AtMost, true, 120d));

        // Stage 5: "Welcome Email (Sent within 5 minutes)" and "Email: support@... (response < 24h)".
        var onboarding = StageNamed(j, "Onboarding");
        var welcome = onboarding.Touchpoints.Single(t => t.Name == "Welcome Email").Timing!;
        (welcome.Bound, welcome.Strict, welcome.Max!.Value.TotalSeconds).ShouldBe((TimingBound.AtMost, false, 300d));
        var support = onboarding.Touchpoints.Single(t => t.Name == "Support email").Timing!;
        (support.Subject, support.Max!.Value.TotalSeconds).ShouldBe(("response", 24 * 3600d));

        // "Each module: 30-60 mins": 1,800 to 3,600 s.
        var modules = StageNamed(j, "Success").Touchpoints.Single(t => t.Id == "learning-experience").Timing!;
        (modules.Bound, modules.Min!.Value.TotalSeconds, modules.Max!.Value.TotalSeconds).ShouldBe((TimingBound.Between, 1800d, 3600d));

        // "Fast time-to-value (< 1 hour to first win)".
        var ttv = j.ActivationPaths.Single().TimeToValue!;
        (ttv.Comparison, ttv.Value, ttv.Text).ShouldBe((TargetComparison.LessThan, 3600d, "< 1 hour"));

        // No name keeps a time in brackets any more.
        j.AllTouchpoints().Select(t => t.Name).Concat(j.Stages.SelectMany(s => s.Actions).Select(a => a.Name))
            .ShouldNotContain(n => n.Contains("(15 seconds)", StringComparison.Ordinal) || n.Contains("< 2 minutes", StringComparison.Ordinal)
                || n.Contains("within 5 minutes", StringComparison.Ordinal) || n.Contains("< 24h", StringComparison.Ordinal));

        var html = HtmlRenderer.Render(j);
        html.ShouldContain("⏱ response &lt; 24h");
        html.ShouldContain("⏱ within 5 minutes");
        html.ShouldContain("⏱ 15 seconds");
    }

    [Fact]
    public void The_critical_elements_are_lists_inside_the_touchpoints_ideal()
    {
        var j = Sample();

        // Stage 2, "1. Landing Page Visit", "Critical Elements:" four lines.
        var landing = StageNamed(j, "Interest").Touchpoints.Single(t => t.Id == "landing-page");
        landing.CriticalElements.Select(e => (e.Name, e.Detail)).ShouldBe(
        [
            ("Clear headline", "\"Master Restate in Go\""),
            ("Social proof", "Testimonials, GitHub stars"),
            ("Free modules", "\"Try 4 modules free\""),
            ("Low friction", "Email-only signup"),
        ]);
        landing.Ideal.ShouldBeNull("the document gives the list alone, no ideal in prose");

        // Stage 4, "1. Product Page (Gumroad)", "Critical Elements:" five lines.
        var page = StageNamed(j, "Purchase").Touchpoints.Single(t => t.Id == "gumroad-product-page");
        page.CriticalElements.Select(e => e.ToString()).ShouldBe(
        [
            "Clear pricing: $99 (was $129)", "What's included: Bullet points", "Reviews: 5-star testimonials",
            "Trust badges: Secure payment, money-back guarantee", "FAQ: Common questions answered",
        ]);

        var html = HtmlRenderer.Render(j);
        html.ShouldContain("Clear pricing: $99 (was $129); What&#39;s included: Bullet points; Reviews: 5-star testimonials");
        CsvRenderer.Render(j).ShouldContain("Trust badges: Secure payment, money-back guarantee");
        MarkdownRenderer.Render(j).ShouldContain("Low friction: Email-only signup");
    }

    [Fact]
    public void The_arrow_drawn_paths_are_flows_of_ordered_steps()
    {
        var j = Sample();

        // Stage 5, "2. GitHub Access", "First visit experience:" five steps joined by down arrows.
        var firstVisit = j.Flows.Single(f => f.Id == "first-visit");
        firstVisit.Touchpoint.ShouldBe("github-access");
        firstVisit.Steps.Select(s => s.Name).ShouldBe(
            ["README.md (overview of all modules)", "Module 05 folder", "Clear structure: README, code, exercises", "Run first example successfully", "Feeling of progress"]);
        StageNamed(j, "Onboarding").Touchpoints.Single(t => t.Id == "github-access").Ideal.ShouldBeNull("the flow is no longer kept as the ideal's text");

        // Stage 2, "User explores GitHub free-modules repo: README.md → Module 01 → Code examples → Exercises".
        j.Flows.Single(f => f.Id == "free-module-sampling").Steps.Select(s => s.Name).ShouldBe(["README.md", "Module 01", "Code examples", "Exercises"]);

        // Stage 6, "Engagement loops: Hit roadblock → Ask in Discord → Get help → Grateful", its Discord steps at the community touchpoint.
        var roadblock = j.Flows.Single(f => f.Id == "roadblock-loop");
        roadblock.Steps.Select(s => (s.Name, s.Touchpoint)).ShouldBe(
            [("Hit roadblock", (string?)null), ("Ask in Discord", "community-interaction"), ("Get help", "community-interaction"), ("Grateful", null)]);

        // The landing page's and the product page's paths: five and four steps; no action keeps them as text.
        (j.Flows.Single(f => f.Id == "landing-visit").Steps.Count, j.Flows.Single(f => f.Id == "product-page-visit").Steps.Count).ShouldBe((5, 4));
        j.Stages.SelectMany(s => s.Actions).ShouldNotContain(a => a.Name.Contains('→') || a.Name.StartsWith("Scans:", StringComparison.Ordinal));

        // Every link names a touchpoint the file defines: no TM007, and no flow walks backwards.
        JourneyFile.Load(SamplePath).Diagnostics.ShouldNotContain(d => d.Code == "TM007" || d.Code == "TM111" || d.Code == "TM112");
        HtmlRenderer.Render(j).ShouldContain("Hit roadblock → Ask in Discord (Community Interaction) → Get help (Community Interaction) → Grateful");
        MarkdownRenderer.Render(j).ShouldContain("README.md → Module 01 → Code examples → Exercises");
    }
}

