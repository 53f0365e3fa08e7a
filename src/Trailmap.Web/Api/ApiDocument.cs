using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Trailmap.Web.Api;

/// <summary>
/// Shapes the OpenAPI document: a title, the bearer scheme, both forms of a journey body, and the REST API's own
/// JSON style. The API writes snake_case keys and kebab-case enums (TrailmapJson, the CLI's style), while the
/// document generator follows the framework's camelCase defaults; the schema transformer renames to match what is
/// actually sent. Only the API's and the libraries' types are renamed: other endpoints keep the framework's style.
/// </summary>
public static class ApiDocument
{
    private static readonly string[] SnakeCaseNamespaces = ["Trailmap.Web.Api", "Trailmap.Analytics", "Trailmap.Journeys", "Trailmap.Web.Interventions"];

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Trailmap workspace API",
                Version = "v1",
                Description = "Journeys, versions, renders and measurements of a Trailmap workspace. Authenticate with a session cookie or an API key: Authorization: Bearer KEY. See docs/api.md.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key from Settings > API keys or trailmap keys create: read keys read, admin keys do everything.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancel) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault() is { } json)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(json.Type, null, cancel).ConfigureAwait(false) },
                    },
                };
            }

            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JourneyBodyMetadata>().Any())
            {
                var text = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The journey's YAML (docs/journey-format.md)" } };
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The journey's YAML as text, or JSON with a yaml field and an optional message for the version history.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["text/yaml"] = text,
                        ["application/x-yaml"] = text,
                        ["application/json"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Required = new HashSet<string> { "yaml" },
                                Properties = new Dictionary<string, IOpenApiSchema>
                                {
                                    ["yaml"] = new OpenApiSchema { Type = JsonSchemaType.String },
                                    ["message"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                                },
                            },
                        },
                    },
                };
            }
        });

        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (!SnakeCaseNamespaces.Any(n => type.Namespace?.StartsWith(n, StringComparison.Ordinal) == true))
            {
                return Task.CompletedTask;
            }

            if (type.IsEnum)
            {
                var nullable = schema.Type?.HasFlag(JsonSchemaType.Null) == true;
                schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
                schema.Format = null;
                schema.Enum = [.. Enum.GetNames(type).Select(n => (JsonNode)JsonNamingPolicy.KebabCaseLower.ConvertName(n))];
            }
            else if (schema.Properties is { Count: > 0 } properties)
            {
                schema.Properties = properties.ToDictionary(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Key), p => p.Value);
                if (schema.Required is { Count: > 0 } required)
                {
                    schema.Required = required.Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToHashSet();
                }
            }

            return Task.CompletedTask;
        });
    }
}
