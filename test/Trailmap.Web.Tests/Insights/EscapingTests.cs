using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Insights;
using Trailmap.Web.Tests.Infrastructure;
using static Trailmap.Web.Tests.Insights.InsightsData;

namespace Trailmap.Web.Tests.Insights;

public sealed class EscapingTests
{
    private const string HostileId = "<script>alert('id')</script>";

    private const string Yaml = """
        version: 1
        id: hostile
        title: Hostile
        stages:
          - id: signup
            name: "<img src=x onerror=alert('stage')>"
            entry: Signed Up
            pain_points:
              - { id: p1, text: "<script>alert('pain')</script>" }
          - id: next
            name: Next
            entry: "<script>alert('event')</script>"
            kpis:
              - { id: k1, name: "<script>alert('kpi')</script>", type: conversion, target: ">= 50%" }
        """;

    private const string Events = """
        {"user_id":"<script>alert('id')</script>","event":"Signed Up","timestamp":"2024-01-01T00:00:00Z","note":"<script>alert('prop')</script>"}
        {"user_id":"<script>alert('id')</script>","event":"Page Viewed","timestamp":"2024-01-02T00:00:00Z","<b>key</b>":"v"}
        {"user_id":"acme/u%2F1 x","event":"Signed Up","timestamp":"2024-01-01T00:00:00Z"}
        {"user_id":"ok","event":"Signed Up","timestamp":"2024-01-01T00:00:00Z"}
        {"user_id":"ok","event":"<script>alert('event')</script>","timestamp":"2024-01-03T00:00:00Z"}
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hostile_ids_names_and_property_values_are_escaped_on_every_page()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, Yaml, Events, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);
        var slug = stored.Slug;
        var pages = new (string Path, HttpStatusCode Status, string[] Escaped)[]
        {
            ($"/journeys/{slug}", HttpStatusCode.OK, ["&lt;img src=x onerror=alert("]),
            ($"/journeys/{slug}/stages/signup", HttpStatusCode.OK, ["&lt;img src=x onerror=alert(", "&lt;script&gt;alert(", ">&lt;script&gt;alert(&#x27;id&#x27;)&lt;/script&gt;</a>"]),
            ($"/journeys/{slug}/stages/next", HttpStatusCode.OK, ["&lt;img src=x onerror=alert("]),
            ($"/journeys/{slug}/stages/{Uri.EscapeDataString("<script>")}", HttpStatusCode.NotFound, ["&lt;script&gt;"]),
            ($"/journeys/{slug}/kpis", HttpStatusCode.OK, ["&lt;script&gt;alert(&#x27;kpi&#x27;)"]),
            ($"/journeys/{slug}/funnel?correlation=on&by={Uri.EscapeDataString("<script>x")}", HttpStatusCode.OK, ["Conversion by &lt;script&gt;x"]),
            ($"/journeys/{slug}/funnel?over-time={Uri.EscapeDataString("<script>x")}", HttpStatusCode.BadRequest, ["&lt;script&gt;x"]),
            ($"/journeys/{slug}/retention", HttpStatusCode.OK, ["&lt;script&gt;alert(&#x27;event&#x27;)"]),
            ($"/journeys/{slug}/retention?return={Uri.EscapeDataString("<script>x")}", HttpStatusCode.BadRequest, ["&lt;script&gt;x"]),
            ($"/journeys/{slug}/customers", HttpStatusCode.OK, ["&lt;script&gt;alert(&#x27;id&#x27;)"]),
            ($"/journeys/{slug}/customers?q={Uri.EscapeDataString("<script>")}", HttpStatusCode.OK, ["value=\"&lt;script&gt;\"", "&lt;script&gt;alert(&#x27;id&#x27;)"]),
            (Formats.CustomerPath(slug, HostileId), HttpStatusCode.OK, ["&lt;script&gt;alert(&#x27;prop&#x27;)", "&lt;b&gt;key&lt;/b&gt;", "&lt;img src=x"]),
            ($"/journeys/{slug}/customers/{Uri.EscapeDataString("<nobody>")}", HttpStatusCode.NotFound, ["&lt;nobody&gt;"]),
        };

        foreach (var (path, status, escaped) in pages)
        {
            var response = await client.GetAsync(path, Cancel);
            response.StatusCode.ShouldBe(status, path);
            var html = await response.Content.ReadAsStringAsync(Cancel);
            html.ShouldNotContain("<script>alert(", Case.Insensitive, path);
            html.ShouldNotContain("<img src=x", Case.Insensitive, path);
            html.ShouldNotContain("<b>key", Case.Insensitive, path);
            html.ShouldNotContain("<script>x", Case.Insensitive, path);
            foreach (var e in escaped)
            {
                html.ShouldContain(e, Case.Sensitive, path);
            }
        }
    }

    [Fact]
    public async Task A_customer_id_with_slashes_and_percent_signs_has_its_own_page()
    {
        using var factory = new WorkspaceFactory();
        var stored = await SeedAsync(factory, Yaml, Events, Cancel);
        var client = await factory.SignedInAsync(Role.Viewer, Cancel);

        var path = Formats.CustomerPath(stored.Slug, "acme/u%2F1 x");
        path.ShouldBe($"/journeys/{stored.Slug}/customers/acme/u%252F1%20x");
        var html = await client.GetStringAsync(path, Cancel);
        html.ShouldContain("<h2 class=\"customer-id\">acme/u%2F1 x</h2>");

        var list = await client.GetStringAsync($"/journeys/{stored.Slug}/stages/signup", Cancel);
        list.ShouldContain($"href=\"{path}\"");
    }
}
