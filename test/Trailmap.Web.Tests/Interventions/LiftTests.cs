using System.Globalization;
using System.Net;
using System.Text.Json;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;

namespace Trailmap.Web.Tests.Interventions;

/// <summary>
/// Lift over <see cref="TrialData"/>: who is held out comes from the test's own SHA-256, conversions are counted by
/// hand from the event rows, and the interval from Newcombe's formula written out below.
/// </summary>
public sealed class LiftTests : TrialWorkspaceTests
{
    /// <summary>The expected numbers for nudge (holdout 50%): everyone c0..c19 triggered on 1 Jan; "late" is pending.</summary>
    private static (int Treated, int TreatedConverted, int Held, int HeldConverted, double Lift, double Low, double High) Nudge()
    {
        var held = TrialData.Customers.Where(c => TrialData.IsHeldOut("nudge", c, 0.5)).ToList();
        var treated = TrialData.Customers.Except(held).ToList();
        var (t, tc, h, hc) = (treated.Count, treated.Count(TrialData.ConvertsInWindow), held.Count, held.Count(TrialData.ConvertsInWindow));
        (t + h).ShouldBe(20);
        h.ShouldBeInRange(1, 19, "both groups must have customers for the interval to exist");
        // Newcombe's hybrid score interval (docs/automation.md#lift): Wilson intervals (l1, u1), (l2, u2) for each
        // rate, then d - sqrt((p1 - l1)^2 + (u2 - p2)^2) .. d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
        var (p1, p2) = ((double)tc / t, (double)hc / h);
        var (l1, u1) = Wilson(tc, t);
        var (l2, u2) = Wilson(hc, h);
        var d = p1 - p2;
        return (t, tc, h, hc, d, d - Math.Sqrt(Sq(p1 - l1) + Sq(u2 - p2)), d + Math.Sqrt(Sq(u1 - p1) + Sq(p2 - l2)));
    }

    /// <summary>Wilson's score interval: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n).</summary>
    private static (double Low, double High) Wilson(int x, int n)
    {
        const double z = 1.959963984540054;
        var p = (double)x / n;
        var centre = (p + (z * z / (2.0 * n))) / (1 + (z * z / n));
        var half = z / (1 + (z * z / n)) * Math.Sqrt((p * (1 - p) / n) + (z * z / (4.0 * n * n)));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    private static double Sq(double v) => v * v;

    private static string Points(double share) => (share * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    private static string Pct(int x, int n) => (100.0 * x / n).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    [Fact]
    public async Task The_lift_API_counts_treated_and_held_out_conversions_within_the_window()
    {
        using var client = Factory.WithKey(ApiKeyKind.Read, out _);
        var response = await client.GetAsync("/api/journeys/trial/lift", Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var report = JsonDocument.Parse(text).RootElement;
        (report.GetProperty("journey").GetString(), report.GetProperty("version").GetInt32()).ShouldBe(("trial", 1));
        report.GetProperty("as_of").GetDateTimeOffset().ShouldBe(TrialData.Now);
        // tell-csm has no goal, so it has no lift entry.
        var rules = report.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("rule").GetString()!);
        rules.Keys.Order().ShouldBe(["nudge", "welcome"]);

        var e = Nudge();
        var nudge = rules["nudge"];
        (nudge.GetProperty("treated").GetInt64(), nudge.GetProperty("treated_converted").GetInt64()).ShouldBe((e.Treated, e.TreatedConverted));
        (nudge.GetProperty("held_out").GetInt64(), nudge.GetProperty("held_out_converted").GetInt64()).ShouldBe((e.Held, e.HeldConverted));
        nudge.GetProperty("pending").GetInt64().ShouldBe(1);   // late: its window runs to 8 Feb
        nudge.GetProperty("treated_rate").GetDouble().ShouldBe((double)e.TreatedConverted / e.Treated, 1e-12);
        nudge.GetProperty("held_out_rate").GetDouble().ShouldBe((double)e.HeldConverted / e.Held, 1e-12);
        nudge.GetProperty("lift").GetDouble().ShouldBe(e.Lift, 1e-12);
        nudge.GetProperty("ci_low").GetDouble().ShouldBe(e.Low, 1e-12);
        nudge.GetProperty("ci_high").GetDouble().ShouldBe(e.High, 1e-12);
        nudge.GetProperty("window_seconds").GetDouble().ShouldBe(14 * 86400);
        (nudge.GetProperty("goal").GetString(), nudge.GetProperty("stage").GetString()).ShouldBe(("Paid", "trial"));

        // welcome holds nobody out: 7 of 20 paid within 14 days (c0, c3, ..., c18), no interval.
        var welcome = rules["welcome"];
        (welcome.GetProperty("treated").GetInt64(), welcome.GetProperty("treated_converted").GetInt64(), welcome.GetProperty("held_out").GetInt64()).ShouldBe((20L, 7L, 0L));
        welcome.GetProperty("treated_rate").GetDouble().ShouldBe(0.35);
        welcome.TryGetProperty("lift", out _).ShouldBeFalse();
        welcome.TryGetProperty("held_out_rate", out _).ShouldBeFalse();
        welcome.GetProperty("summary").GetString().ShouldBe("no held-out customers yet, treated 20 (35%), 1 pending");
    }

    [Fact]
    public async Task The_map_draws_each_rules_lift_in_its_stage_column_and_the_interventions_page_lists_it()
    {
        var e = Nudge();
        var expected = $"lift {Points(e.Lift)} pts (95% CI {Points(e.Low)} to {Points(e.High)}), "
            + $"treated {e.Treated} ({Pct(e.TreatedConverted, e.Treated)}) vs holdout {e.Held} ({Pct(e.HeldConverted, e.Held)}), 1 pending";
        using var viewer = await Factory.SignedInAsync(Role.Viewer, Cancel);

        var map = await viewer.GetStringAsync("/journeys/trial/map.html", Cancel);
        var trialCell = Cell(map, "trial");
        trialCell.ShouldContain("data-rule=\"nudge\"");
        trialCell.ShouldContain(expected);
        trialCell.ShouldContain("no held-out customers yet, treated 20 (35%), 1 pending");
        trialCell.ShouldNotContain("Tell the CSM");
        Cell(map, "paid").ShouldContain("no goal, so no lift measured");

        // Razor writes '+' as &#x2B;; the text a reader sees is the decoded one.
        var page = WebUtility.HtmlDecode(await viewer.GetStringAsync("/journeys/trial/interventions", Cancel));
        page.ShouldContain(expected);
        page.ShouldContain("no held-out customers yet, treated 20 (35%), 1 pending");
        page.ShouldContain("href=\"/journeys/trial/interventions\"");   // the tab
    }

    [Fact]
    public async Task Share_links_embeds_and_exports_carry_the_lift_the_signed_in_map_shows()
    {
        var e = Nudge();
        var expected = $"lift {Points(e.Lift)} pts (95% CI {Points(e.Low)} to {Points(e.High)})";
        var stored = Factory.Service<Trailmap.Web.Journeys.JourneyStore>().Find("trial")!;
        var (_, token) = Factory.Service<Trailmap.Web.Sharing.ShareLinkStore>().Create(stored.Id, "test", null, null);

        using var stranger = Factory.Anonymous();
        var embed = await stranger.GetStringAsync($"/s/{token}/embed", Cancel);
        Cell(embed, "trial").ShouldContain(expected);

        using var viewer = await Factory.SignedInAsync(Role.Viewer, Cancel);
        foreach (var format in new[] { "html", "md" })
        {
            var export = await viewer.GetStringAsync($"/journeys/trial/export/{format}", Cancel);
            WebUtility.HtmlDecode(export).ShouldContain(expected, customMessage: format);
        }
    }

    [Fact]
    public async Task The_SVG_and_PDF_exports_carry_the_lift_the_signed_in_map_shows()
    {
        var e = Nudge();
        var expected = $"lift {Points(e.Lift)} pts (95% CI {Points(e.Low)} to {Points(e.High)})";
        using var viewer = await Factory.SignedInAsync(Role.Viewer, Cancel);

        // SVG: its text elements in order, each wrapped line one element.
        var svg = await viewer.GetStringAsync("/journeys/trial/export/svg", Cancel);
        var lines = System.Text.RegularExpressions.Regex.Matches(svg, "<text[^>]*>([^<]*)</text>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value));
        string.Join(" ", lines).ShouldContain(expected);

        // PDF: its text read back by poppler's pdftotext, a reader independent of the browser that printed it.
        const string PdfToText = "/usr/bin/pdftotext";
        if (!File.Exists(PdfToText))
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                throw new InvalidOperationException("pdftotext is missing: install poppler-utils");
            }

            Assert.Skip("pdftotext is not installed (Debian: poppler-utils); the PDF's text is not checked here.");
        }

        var pdf = Path.Combine(Path.GetTempPath(), $"trailmap-lift-{Guid.NewGuid():N}.pdf");
        try
        {
            await File.WriteAllBytesAsync(pdf, await viewer.GetByteArrayAsync("/journeys/trial/export/pdf", Cancel), Cancel);
            var start = new System.Diagnostics.ProcessStartInfo(PdfToText) { RedirectStandardOutput = true, ArgumentList = { "-raw", pdf, "-" } };
            using var process = System.Diagnostics.Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync(Cancel);
            await process.WaitForExitAsync(Cancel);
            process.ExitCode.ShouldBe(0);
            // A cell wraps its line anywhere there is a space; the reader sees the same words in the same order.
            System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").ShouldContain(expected);
        }
        finally
        {
            File.Delete(pdf);
        }
    }

    [Fact]
    public async Task The_interventions_page_keeps_backtest_figures_apart_from_delivered_ones_and_says_whether_the_lift_is_significant()
    {
        var e = Nudge();
        // The verdict follows from the hand-computed interval alone: above zero, below zero, or across it.
        var verdict = e.Low > 0 ? "Significant: customers reach the goal more often with it"
            : e.High < 0 ? "Significant, and harmful: customers reach the goal less often with it"
            : "Not significant yet: the 95% interval includes zero";
        using var viewer = await Factory.SignedInAsync(Role.Viewer, Cancel);

        var page = WebUtility.HtmlDecode(await viewer.GetStringAsync("/journeys/trial/interventions", Cancel));

        page.ShouldContain("<th scope=\"colgroup\" colspan=\"4\" class=\"group delivered\">Delivered (outbox)</th>");
        page.ShouldContain("class=\"group backtest\">Backtest over the events (not messages sent)</th>");
        var nudge = page[page.IndexOf("<tr data-rule=\"nudge\">", StringComparison.Ordinal)..];
        nudge = nudge[..nudge.IndexOf("</tr>", StringComparison.Ordinal)];
        nudge.ShouldContain($"<td class=\"verdict\">{verdict}");
        // tell-csm has no goal: no lift, so no verdict either.
        var csm = page[page.IndexOf("<tr data-rule=\"tell-csm\">", StringComparison.Ordinal)..];
        csm[..csm.IndexOf("</tr>", StringComparison.Ordinal)].ShouldContain("<td class=\"verdict\">—</td>");
    }

    [Fact]
    public async Task A_rule_whose_channel_is_not_configured_is_named_on_the_interventions_page_and_on_the_map()
    {
        // The trial workspace has no SMTP and no Slack settings; in-app needs none.
        using var viewer = await Factory.SignedInAsync(Role.Viewer, Cancel);

        foreach (var path in new[] { "/journeys/trial/interventions", "/journeys/trial" })
        {
            var page = WebUtility.HtmlDecode(await viewer.GetStringAsync(path, Cancel));
            var start = page.IndexOf("<section class=\"callout warning channel-warnings\" role=\"alert\"", StringComparison.Ordinal);
            start.ShouldBeGreaterThan(0, path);
            var warnings = InsightsText(page[start..page.IndexOf("</section>", start, StringComparison.Ordinal)]);
            warnings.ShouldContain("Nothing is sent by Welcome email: Email is not configured: set --smtp-host and --smtp-from");
            warnings.ShouldContain("Nothing is sent by Tell the CSM: Slack is not configured: set --slack-webhook-url");
            warnings.ShouldNotContain("Nudge to pay");
        }
    }

    private static string InsightsText(string html) => Insights.InsightsData.Text(html);

    /// <summary>The interventions lane's cell for one stage.</summary>
    private static string Cell(string map, string stage)
    {
        var marker = $"data-stage=\"{stage}\" data-lane=\"interventions\">";
        var start = map.IndexOf(marker, StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, $"no interventions cell for {stage}");
        var end = map.IndexOf("<div class=\"cell", start + marker.Length, StringComparison.Ordinal);
        return map[start..(end < 0 ? map.Length : end)];
    }
}
