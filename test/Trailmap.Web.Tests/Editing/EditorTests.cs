using System.Net;
using System.Text.Json;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Writing;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Editing;

/// <summary>The editor, stage form, history, diff, revert and delete through real HTTP on a real workspace.</summary>
public sealed class EditorTests
{
    // Hand-written so every line number below can be read off it: line 4 is the title, line 12 Pay's name.
    internal const string Yaml = """
        # A journey for the editor tests.
        version: 1
        id: trial
        title: Free trial to paid
        stages:
          - id: signup
            name: Sign up
            entry: Signed Up   # the first event we see
            kpis:
              - { id: signups, name: Signups per week, type: count, event: Signed Up, target: ">= 50" }
          - id: pay
            name: Pay
            entry: Subscription Started
            kpis:
              - { id: trial-to-paid, name: Trial to paid, type: conversion, target: ">= 20%" }

        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Saving_creates_the_next_version_with_its_author_and_message_and_stores_LF_line_breaks()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        journeys.Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var changed = Yaml.Replace("title: Free trial to paid", "title: Trial to paid", StringComparison.Ordinal);

        var response = await Save(client, changed.Replace("\n", "\r\n", StringComparison.Ordinal), baseVersion: 1, message: "Shorter title");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("/journeys/trial/edit?notice=" + Uri.EscapeDataString("Saved version 2."));
        var versions = journeys.Versions(journeys.Find("trial")!.Id);
        versions.Select(v => v.Version).ShouldBe([2, 1]);
        versions[0].Author.ShouldBe("editor@example.test");
        versions[0].Message.ShouldBe("Shorter title");
        versions[0].Yaml.ShouldBe(changed);
        journeys.Find("trial")!.Title.ShouldBe("Trial to paid");
    }

    [Fact]
    public async Task Saving_text_with_errors_saves_nothing_and_shows_the_text_with_each_problem_at_its_line_and_column()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        journeys.Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        // Line 12 is "    name: Pay"; the misspelt key starts in column 5.
        var broken = Yaml.Replace("    name: Pay\n", "    nmae: Pay\n", StringComparison.Ordinal);

        var response = await Save(client, broken, baseVersion: 1, message: "typo");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("Nothing was saved");
        html.ShouldContain(WebUtility.HtmlEncode(broken).Replace("&#x27;", "'", StringComparison.Ordinal).Split('\n')[9]); // the KPI line, escaped
        html.ShouldContain("nmae: Pay");
        html.ShouldContain("data-line=\"12\" data-column=\"5\">12:5</a>");
        html.ShouldContain("<code>TM002</code>");
        html.ShouldContain("name=\"message\" value=\"typo\"");
        journeys.Versions(journeys.Find("trial")!.Id).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_refused_save_keeps_a_map_in_the_preview_the_latest_saved_version()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(Yaml, "seed");
        journeys.Save(stored, Yaml.Replace("title: Free trial to paid", "title: Saved second title", StringComparison.Ordinal), "ann@example.test", "Retitled");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var broken = Yaml.Replace("    name: Pay\n", "    nmae: Pay\n", StringComparison.Ordinal);

        var response = await Save(client, broken, baseVersion: 2, message: "typo");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("the preview shows the map of version 2 as saved");
        var srcdoc = WebUtility.HtmlDecode(Attribute(html, "srcdoc"));
        srcdoc.ShouldContain("Saved second title");
        srcdoc.ShouldContain("Sign up"); // the first stage's name, a column of the map
    }

    [Fact]
    public async Task The_preview_lists_the_ids_the_text_defines_and_the_schema_is_served_to_members()
    {
        using var factory = new WorkspaceFactory();
        factory.Service<JourneyStore>().Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var token = await WorkspaceFactory.AntiforgeryTokenAsync(client, "/journeys/trial/edit", Cancel);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/journeys/trial/preview") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["yaml"] = Yaml }) };
        request.Headers.Add("RequestVerificationToken", token);

        using var preview = JsonDocument.Parse(await (await client.SendAsync(request, Cancel)).Content.ReadAsStringAsync(Cancel));

        // Read off the YAML above: two stages, each with one KPI, no touchpoints, no moments of truth.
        var ids = preview.RootElement.GetProperty("ids");
        string[] Ids(string kind) => [.. ids.GetProperty(kind).EnumerateArray().Select(e => e.GetString()!)];
        Ids("stages").ShouldBe(["signup", "pay"]);
        Ids("kpis").ShouldBe(["signups", "trial-to-paid"]);
        Ids("touchpoints").ShouldBeEmpty();
        Ids("moments").ShouldBeEmpty();

        using var schema = JsonDocument.Parse(await client.GetStringAsync("/journey.schema.json", Cancel));
        schema.RootElement.GetProperty("definitions").GetProperty("stage").GetProperty("properties").TryGetProperty("mindset", out _).ShouldBeTrue();
        (await factory.Anonymous().GetAsync("/journey.schema.json", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Check_shows_the_problems_and_saves_nothing()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        journeys.Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var broken = Yaml.Replace("    name: Pay\n", "    nmae: Pay\n", StringComparison.Ordinal);

        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/trial/edit", new() { ["yaml"] = broken, ["baseVersion"] = "1", ["action"] = "check" }, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("12:5</a>");
        journeys.Versions(journeys.Find("trial")!.Id).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_save_based_on_an_old_version_is_refused_keeps_the_text_and_shows_what_changed_meanwhile()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var theirs = Yaml.Replace("title: Free trial to paid", "title: Their title", StringComparison.Ordinal);
        journeys.Save(stored, theirs, "someone@example.test", "Their change");
        var mine = Yaml.Replace("    name: Pay\n", "    name: Pay up\n", StringComparison.Ordinal);

        var response = await Save(client, mine, baseVersion: 1, message: "Mine");

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("Version 2 was saved while you edited version 1");
        html.ShouldContain("someone@example.test");
        html.ShouldContain("name: Pay up"); // my text, kept
        html.ShouldContain("<td class=\"num\">4</td><td class=\"num\"></td>");
        html.ShouldContain("<del>title: Free trial to paid</del>");
        html.ShouldContain("<ins>title: Their title</ins>");
        html.ShouldContain("name=\"baseVersion\" value=\"2\"");
        journeys.Latest(journeys.Find("trial")!).Yaml.ShouldBe(theirs);
    }

    [Fact]
    public async Task The_preview_returns_problems_and_the_rendered_map_as_json_and_needs_the_antiforgery_token()
    {
        using var factory = new WorkspaceFactory();
        factory.Service<JourneyStore>().Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var token = await WorkspaceFactory.AntiforgeryTokenAsync(client, "/journeys/trial/edit", Cancel);

        async Task<HttpResponseMessage> Preview(string yaml, string? header)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/journeys/trial/preview") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["yaml"] = yaml }) };
            if (header is not null)
            {
                request.Headers.Add("RequestVerificationToken", header);
            }

            return await client.SendAsync(request, Cancel);
        }

        using (var broken = JsonDocument.Parse(await (await Preview(Yaml.Replace("    name: Pay\n", "    nmae: Pay\n", StringComparison.Ordinal), token)).Content.ReadAsStringAsync(Cancel)))
        {
            var diagnostics = broken.RootElement.GetProperty("diagnostics").EnumerateArray().ToList();
            diagnostics.ShouldContain(d => d.GetProperty("code").GetString() == "TM002" && d.GetProperty("line").GetInt32() == 12 && d.GetProperty("column").GetInt32() == 5 && d.GetProperty("severity").GetString() == "error");
            broken.RootElement.GetProperty("html").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        using (var good = JsonDocument.Parse(await (await Preview(Yaml.Replace("Free trial to paid", "Previewed title", StringComparison.Ordinal), token)).Content.ReadAsStringAsync(Cancel)))
        {
            good.RootElement.GetProperty("html").GetString()!.ShouldContain("Previewed title");
        }

        (await Preview(Yaml, null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_stage_form_changes_exactly_that_stage_and_keeps_the_rest_of_the_file_as_written()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        journeys.Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        var form = await client.GetStringAsync("/journeys/trial/stages/pay/edit", Cancel);
        form.ShouldContain("name=\"name\" value=\"Pay\"");

        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/trial/stages/pay/edit", new()
        {
            ["baseVersion"] = "1",
            ["name"] = "Pay now",
            ["description"] = "",
            ["touchpoints[0].name"] = "Checkout",
            ["touchpoints[0].layer"] = "frontstage",
            ["touchpoints[1].name"] = "",
            ["thoughts"] = "Worth it?",
            ["emotion.score"] = "4",
            ["emotion.feelings"] = "",
            ["message"] = "",
        }, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(Cancel));
        var latest = journeys.Latest(journeys.Find("trial")!);
        latest.Version.ShouldBe(2);
        latest.Message.ShouldBe("Edited stage Pay now");
        // Written by hand: the new keys follow "name" in the format's order; comments and the other stage are untouched.
        latest.Yaml.ShouldBe(Yaml.Replace("""
                name: Pay
                entry: Subscription Started

            """, """
                name: Pay now
                touchpoints:
                  - Checkout
                thoughts:
                  - Worth it?
                emotion: 4
                entry: Subscription Started

            """, StringComparison.Ordinal));

        var before = JourneyStore.Parse(Yaml).Journey!;
        var after = JourneyStore.Parse(latest.Yaml).Journey!;
        JourneyYamlWriter.Write(after with { Stages = [after.Stages[0]] }).ShouldBe(JourneyYamlWriter.Write(before with { Stages = [before.Stages[0]] }));
        var pay = before.Stages[1] with
        {
            Name = "Pay now",
            Touchpoints = [new Touchpoint { Id = "pay-checkout", Name = "Checkout" }],
            Thoughts = ["Worth it?"],
            Emotion = new Emotion { Score = 4 },
        };
        JourneyYamlWriter.Write(after).ShouldBe(JourneyYamlWriter.Write(before with { Stages = [before.Stages[0], pay] }));
    }

    [Fact]
    public async Task The_stage_form_refuses_a_stale_version_and_keeps_what_was_typed()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        journeys.Save(stored, Yaml.Replace("title: Free trial to paid", "title: Other", StringComparison.Ordinal), "someone@example.test", "Other");

        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/trial/stages/pay/edit", new() { ["baseVersion"] = "1", ["name"] = "Typed name", ["thoughts"] = "" }, Cancel, formPage: "/journeys/trial/stages/pay/edit");

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("name=\"name\" value=\"Typed name\"");
        html.ShouldContain("<ins>title: Other</ins>");
        journeys.Versions(stored.Id).Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_stage_form_shows_field_errors_and_saves_nothing()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        journeys.Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        // The default scale is 1..5, so 9 is a validator error the form itself cannot know about.
        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/trial/stages/pay/edit", new() { ["baseVersion"] = "1", ["name"] = "Pay", ["emotion.score"] = "9" }, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        html.ShouldContain("<code>TM011</code>");
        html.ShouldContain("name=\"emotion.score\" value=\"9\"");
        journeys.Versions(journeys.Find("trial")!.Id).Count.ShouldBe(1);
    }

    [Fact]
    public async Task History_lists_versions_and_the_diff_page_shows_the_changed_lines()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(Yaml, "seed");
        journeys.Save(stored, Yaml.Replace("title: Free trial to paid", "title: Trial to paid", StringComparison.Ordinal), "ann@example.test", "Retitled");
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var history = await client.GetStringAsync("/journeys/trial/history", Cancel);
        history.ShouldContain("<td>Retitled</td>");
        history.ShouldContain("<td>ann@example.test</td>");
        history.ShouldContain("href=\"/journeys/trial/history/1\"");
        history.ShouldNotContain("/revert"); // a viewer gets no revert buttons

        var diff = await client.GetStringAsync("/journeys/trial/diff?from=1&to=2", Cancel);
        // Line 4 changed: removed from v1 at line 4, added to v2 at line 4; lines 1-3 and 5-7 are context.
        diff.ShouldContain("<tr class=\"removed\"><td class=\"num\">4</td><td class=\"num\"></td>");
        diff.ShouldContain("<del>title: Free trial to paid</del>");
        diff.ShouldContain("<tr class=\"added\"><td class=\"num\"></td><td class=\"num\">4</td>");
        diff.ShouldContain("<ins>title: Trial to paid</ins>");
        diff.ShouldContain("1 line added, 1 removed");
        diff.ShouldContain("… 8 unchanged lines"); // lines 8-15 are more than 3 away from line 4

        (await client.GetStringAsync("/journeys/trial/history/1", Cancel)).ShouldContain("title: Free trial to paid");
        (await client.GetAsync("/journeys/trial/history/9", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Revert_saves_the_old_text_as_a_new_version()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(Yaml, "seed");
        journeys.Save(stored, Yaml.Replace("title: Free trial to paid", "title: Trial to paid", StringComparison.Ordinal), "ann@example.test", "Retitled");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/trial/history/1/revert", [], Cancel, formPage: "/journeys/trial/history");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var versions = journeys.Versions(stored.Id);
        versions.Select(v => v.Version).ShouldBe([3, 2, 1]);
        versions[0].Yaml.ShouldBe(Yaml);
        versions[0].Message.ShouldBe("Reverted to version 1");
        versions[0].Author.ShouldBe("editor@example.test");
    }

    [Fact]
    public async Task Delete_removes_the_journey_from_the_workspace()
    {
        using var factory = new WorkspaceFactory();
        factory.Service<JourneyStore>().Create(Yaml, "seed");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);
        (await client.GetStringAsync("/journeys/trial/history", Cancel)).ShouldContain("data-confirm=\"Delete the journey &quot;Free trial to paid&quot;?\"");

        var response = await WorkspaceFactory.PostFormAsync(client, "/journeys/trial/delete", [], Cancel, formPage: "/journeys/trial/history");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("/journeys?notice=");
        (await client.GetAsync("/journeys/trial", Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Viewers_read_the_text_history_and_diffs_but_every_change_is_forbidden()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var stored = journeys.Create(Yaml, "seed");
        journeys.Save(stored, Yaml.Replace("title: Free trial to paid", "title: Trial to paid", StringComparison.Ordinal), "ann@example.test", "Retitled");
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var editor = await client.GetStringAsync("/journeys/trial/edit", Cancel);
        editor.ShouldContain("readonly");
        editor.ShouldNotContain("value=\"save\"");
        (await client.GetAsync("/journeys/trial/history", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/journeys/trial/diff", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/journeys/trial/stages/pay/edit", Cancel)).Headers.Location!.AbsolutePath.ShouldBe("/forbidden");

        foreach (var path in new[] { "/journeys/trial/edit", "/journeys/trial/preview", "/journeys/trial/stages/pay/edit", "/journeys/trial/history/1/revert", "/journeys/trial/delete" })
        {
            var response = await WorkspaceFactory.PostFormAsync(client, path, new() { ["yaml"] = Yaml, ["baseVersion"] = "2", ["action"] = "save", ["name"] = "X" }, Cancel, formPage: "/journeys/trial/history");
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            response.Headers.Location!.AbsolutePath.ShouldBe("/forbidden", path);
        }

        (await client.GetAsync("/forbidden", Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        journeys.Versions(stored.Id).Count.ShouldBe(2);
        journeys.Find("trial").ShouldNotBeNull();
    }

    [Fact]
    public async Task Hostile_text_is_escaped_in_the_editor_history_version_and_diff_pages()
    {
        using var factory = new WorkspaceFactory();
        var journeys = factory.Service<JourneyStore>();
        var hostile = Yaml.Replace("title: Free trial to paid", "title: \"<script>alert(1)</script> Trial\"", StringComparison.Ordinal)
            .Replace("    name: Pay\n", "    name: \"<img src=x onerror=alert(2)>\"\n", StringComparison.Ordinal);
        var stored = journeys.Create(Yaml, "seed");
        journeys.Save(stored, hostile, "<script>alert(3)</script>", "<script>alert(4)</script>");
        var client = await factory.SignedInAsync(Role.Editor, Cancel);

        foreach (var path in new[] { "/journeys/trial/edit", "/journeys/trial/history", "/journeys/trial/history/2", "/journeys/trial/diff?from=1&to=2", "/journeys/trial/stages/pay/edit" })
        {
            var html = await client.GetStringAsync(path, Cancel);
            html.ShouldNotContain("<script>alert", customMessage: path);
            html.ShouldNotContain("<img src=x", customMessage: path);
            html.ShouldContain("&lt;script&gt;alert(", customMessage: path);
        }
    }

    /// <summary>The value of the first <paramref name="name"/>="..." attribute in a page, still HTML-encoded.</summary>
    private static string Attribute(string html, string name)
    {
        var start = html.IndexOf(name + "=\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(-1, $"the page has no {name} attribute");
        start += name.Length + 2;
        return html[start..html.IndexOf('"', start)];
    }

    private static Task<HttpResponseMessage> Save(HttpClient client, string yaml, int baseVersion, string message) =>
        WorkspaceFactory.PostFormAsync(client, "/journeys/trial/edit", new()
        {
            ["yaml"] = yaml,
            ["baseVersion"] = baseVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["message"] = message,
            ["action"] = "save",
        }, Cancel);
}
