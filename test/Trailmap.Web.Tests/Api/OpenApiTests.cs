using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Api;

public sealed partial class OpenApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Every /api route and method the running app serves, with route constraints dropped ({version:int} is {version}).</summary>
    internal static IReadOnlyList<(string Method, string Path)> ApiRoutes(WorkspaceFactory factory) =>
    [
        .. factory.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, Constraint().Replace(e.RoutePattern.RawText!, "}")))),
    ];

    [Fact]
    public async Task Every_api_route_is_in_the_document_with_a_summary_its_parameters_and_a_response()
    {
        using var factory = new WorkspaceFactory();
        var client = factory.Anonymous();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Cancel));
        var paths = doc.RootElement.GetProperty("paths");
        var routes = ApiRoutes(factory);
        routes.Count.ShouldBeGreaterThan(15);
        foreach (var (method, path) in routes)
        {
            paths.TryGetProperty(path, out var item).ShouldBeTrue($"{path} is not in the OpenAPI document");
            item.TryGetProperty(method.ToLowerInvariant(), out var operation).ShouldBeTrue($"{method} {path} is not in the OpenAPI document");
            operation.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace($"{method} {path} has no summary");

            var declared = operation.TryGetProperty("parameters", out var ps)
                ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).ToHashSet()
                : [];
            foreach (Match m in RouteParameter().Matches(path))
            {
                declared.ShouldContain(m.Groups[1].Value, $"{method} {path} does not describe its path parameter {m.Groups[1].Value}");
            }

            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            responses.ShouldContain(r => r.Name.StartsWith('2'), $"{method} {path} declares no success response");
            responses.ShouldContain(r => r.Name == "401", $"{method} {path} does not say it may answer 401");
            foreach (var success in responses.Where(r => r.Name is "200" or "201" && r.Value.TryGetProperty("content", out _)))
            {
                success.Value.GetProperty("content").EnumerateObject().ShouldNotBeEmpty();
            }
        }
    }

    [Fact]
    public async Task Schemas_use_the_snake_case_keys_and_kebab_case_values_the_API_sends()
    {
        using var factory = new WorkspaceFactory();
        using var doc = JsonDocument.Parse(await factory.Anonymous().GetStringAsync("/openapi/v1.json", Cancel));
        var schemas = doc.RootElement.GetProperty("components").GetProperty("schemas");
        var detail = schemas.GetProperty("JourneyDetail").GetProperty("properties");
        detail.TryGetProperty("updated_by", out _).ShouldBeTrue();
        detail.TryGetProperty("updatedBy", out _).ShouldBeFalse();
        schemas.GetProperty("JourneyAnalysis").GetProperty("properties").TryGetProperty("moments_of_truth", out _).ShouldBeTrue();
        schemas.GetProperty("TargetStatus").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ShouldContain("at-risk");

        // The YAML body is described in both its forms.
        var create = doc.RootElement.GetProperty("paths").GetProperty("/api/journeys").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        create.TryGetProperty("text/yaml", out _).ShouldBeTrue();
        create.TryGetProperty("application/json", out _).ShouldBeTrue();
        doc.RootElement.GetProperty("paths").GetProperty("/api/keys").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .TryGetProperty("application/json", out _).ShouldBeTrue();
    }

    [GeneratedRegex(@":[^}]+}")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex RouteParameter();
}
