using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Tests.Schema;

/// <summary>
/// A small, independent JSON Schema checker for the keywords the journey schema uses. It refuses any
/// keyword it does not implement, so the schema cannot silently rely on something nobody checks.
/// </summary>
internal sealed class SchemaChecker(JsonElement root)
{
    private static readonly HashSet<string> Annotations =
        ["$schema", "$id", "$comment", "title", "description", "definitions", "default", "examples", "patternErrorMessage", "markdownDescription", "then", "else"];

    public IReadOnlyList<string> Check(JsonNode? instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private bool Valid(JsonElement schema, JsonNode? value, string path)
    {
        var errors = new List<string>();
        Check(schema, value, path, errors);
        return errors.Count == 0;
    }

    private void Check(JsonElement schema, JsonNode? value, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: nothing is allowed here");
            return;
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            var s = keyword.Value;
            switch (keyword.Name)
            {
                case "$ref":
                    Check(Resolve(s.GetString()!), value, path, errors);
                    break;
                case "type":
                    var types = s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().Select(t => t.GetString()!).ToArray() : [s.GetString()!];
                    if (!types.Any(t => HasType(value, t)))
                    {
                        errors.Add($"{path}: expected {string.Join(" or ", types)}, found {Kind(value)}");
                    }

                    break;
                case "enum":
                    if (!s.EnumerateArray().Any(e => JsonNode.DeepEquals(JsonNode.Parse(e.GetRawText()), value)))
                    {
                        errors.Add($"{path}: '{value}' is not one of {s.GetRawText()}");
                    }

                    break;
                case "const":
                    if (!JsonNode.DeepEquals(JsonNode.Parse(s.GetRawText()), value))
                    {
                        errors.Add($"{path}: expected {s.GetRawText()}");
                    }

                    break;
                case "pattern":
                    if (AsString(value) is { } text && !Regex.IsMatch(text, s.GetString()!, RegexOptions.ECMAScript))
                    {
                        errors.Add($"{path}: '{text}' does not match the pattern");
                    }

                    break;
                case "minLength":
                    if (AsString(value) is { } str && str.Length < s.GetInt32())
                    {
                        errors.Add($"{path}: shorter than {s.GetInt32()}");
                    }

                    break;
                case "maxLength":
                    if (AsString(value) is { } longText && longText.Length > s.GetInt32())
                    {
                        errors.Add($"{path}: longer than {s.GetInt32()}");
                    }

                    break;
                case "minProperties":
                    if (value is JsonObject fewer && fewer.Count < s.GetInt32())
                    {
                        errors.Add($"{path}: fewer than {s.GetInt32()} properties");
                    }

                    break;
                case "maxProperties":
                    if (value is JsonObject more && more.Count > s.GetInt32())
                    {
                        errors.Add($"{path}: more than {s.GetInt32()} properties");
                    }

                    break;
                case "maxItems":
                    if (value is JsonArray many && many.Count > s.GetInt32())
                    {
                        errors.Add($"{path}: more than {s.GetInt32()} items");
                    }

                    break;
                case "minimum":
                    if (AsNumber(value) is { } low && low < s.GetDouble())
                    {
                        errors.Add($"{path}: {low} is below {s.GetDouble()}");
                    }

                    break;
                case "exclusiveMinimum":
                    if (AsNumber(value) is { } floor && floor <= s.GetDouble())
                    {
                        errors.Add($"{path}: {floor} is not above {s.GetDouble()}");
                    }

                    break;
                case "maximum":
                    if (AsNumber(value) is { } high && high > s.GetDouble())
                    {
                        errors.Add($"{path}: {high} is above {s.GetDouble()}");
                    }

                    break;
                case "required":
                    if (value is JsonObject required)
                    {
                        foreach (var name in s.EnumerateArray().Select(r => r.GetString()!).Where(n => !required.ContainsKey(n)))
                        {
                            errors.Add($"{path}: missing required '{name}'");
                        }
                    }

                    break;
                case "properties":
                    if (value is JsonObject withProperties)
                    {
                        foreach (var p in s.EnumerateObject().Where(p => withProperties.ContainsKey(p.Name)))
                        {
                            Check(p.Value, withProperties[p.Name], $"{path}.{p.Name}", errors);
                        }
                    }

                    break;
                case "additionalProperties":
                    if (value is JsonObject obj)
                    {
                        var declared = schema.TryGetProperty("properties", out var props) ? props.EnumerateObject().Select(p => p.Name).ToHashSet() : [];
                        foreach (var (name, child) in obj.Where(kv => !declared.Contains(kv.Key)))
                        {
                            if (s.ValueKind == JsonValueKind.False)
                            {
                                errors.Add($"{path}: unknown property '{name}'");
                            }
                            else
                            {
                                Check(s, child, $"{path}.{name}", errors);
                            }
                        }
                    }

                    break;
                case "propertyNames":
                    if (value is JsonObject named)
                    {
                        foreach (var name in named.Select(kv => kv.Key))
                        {
                            Check(s, JsonValue.Create(name), $"{path}[name '{name}']", errors);
                        }
                    }

                    break;
                case "items":
                    if (value is JsonArray array)
                    {
                        for (var i = 0; i < array.Count; i++)
                        {
                            Check(s, array[i], $"{path}[{i}]", errors);
                        }
                    }

                    break;
                case "allOf":
                    foreach (var sub in s.EnumerateArray())
                    {
                        Check(sub, value, path, errors);
                    }

                    break;
                case "anyOf":
                    var attempts = s.EnumerateArray().Select(sub =>
                    {
                        var subErrors = new List<string>();
                        Check(sub, value, path, subErrors);
                        return subErrors;
                    }).ToList();
                    if (attempts.All(a => a.Count > 0))
                    {
                        errors.Add($"{path}: matches none of the allowed forms ({string.Join("; ", attempts.SelectMany(a => a))})");
                    }

                    break;
                case "oneOf":
                    var matches = s.EnumerateArray().Count(sub => Valid(sub, value, path));
                    if (matches != 1)
                    {
                        errors.Add($"{path}: matches {matches} of the forms in oneOf, not exactly one");
                    }

                    break;
                case "if":
                    var branch = Valid(s, value, path) ? "then" : "else";
                    if (schema.TryGetProperty(branch, out var next))
                    {
                        Check(next, value, path, errors);
                    }

                    break;
                default:
                    if (!Annotations.Contains(keyword.Name))
                    {
                        throw new NotSupportedException($"the test's schema checker does not implement '{keyword.Name}'");
                    }

                    break;
            }
        }
    }

    private JsonElement Resolve(string reference)
    {
        const string prefix = "#/definitions/";
        if (!reference.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new NotSupportedException($"only local '#/definitions/...' references are supported, found '{reference}'");
        }

        return root.GetProperty("definitions").GetProperty(reference[prefix.Length..]);
    }

    private static bool HasType(JsonNode? value, string type) => type switch
    {
        "null" => value is null,
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => AsString(value) is not null,
        "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => AsNumber(value) is not null,
        "integer" => AsNumber(value) is { } n && n == Math.Floor(n),
        _ => throw new NotSupportedException($"type '{type}'"),
    };

    private static string Kind(JsonNode? value) => value is null ? "null" : value.GetValueKind().ToString().ToLowerInvariant();

    private static string? AsString(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? AsNumber(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) : null;
}
