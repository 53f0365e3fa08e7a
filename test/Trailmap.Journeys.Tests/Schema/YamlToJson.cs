using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Tests.Schema;

/// <summary>
/// Turns YAML into the JSON an editor's schema validator sees: plain scalars are typed by the YAML 1.2
/// core schema (as redhat.vscode-yaml does), quoted scalars stay strings.
/// </summary>
internal static partial class YamlToJson
{
    public static JsonNode? Convert(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode s => Scalar(s),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(v);
        }

        if (v is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (v is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(v.StartsWith('t') || v.StartsWith('T'));
        }

        if (IntPattern().IsMatch(v))
        {
            return JsonValue.Create(long.Parse(v, CultureInfo.InvariantCulture));
        }

        if (FloatPattern().IsMatch(v))
        {
            return JsonValue.Create(double.Parse(v, CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(v);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
