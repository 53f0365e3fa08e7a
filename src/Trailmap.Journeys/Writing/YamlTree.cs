using System.Text;

namespace Trailmap.Journeys.Writing;

/// <summary>A minimal YAML document tree: the writer builds it, then prints it with one indentation style.</summary>
internal abstract record YamlValue;

/// <summary>A scalar already formatted for YAML (quoted or plain).</summary>
internal sealed record YamlRaw(string Text) : YamlValue;

/// <summary>A list; short lists of scalars print in flow style (<c>[a, b]</c>) to keep files compact.</summary>
internal sealed record YamlList(List<YamlValue> Items) : YamlValue
{
    public bool IsFlow => Items.All(i => i is YamlRaw);
}

internal sealed record YamlMap(List<KeyValuePair<string, YamlValue>> Entries) : YamlValue
{
    public YamlMap()
        : this([])
    {
    }

    public YamlMap Add(string key, YamlValue value)
    {
        Entries.Add(new(key, value));
        return this;
    }

    public YamlMap Text(string key, string? value) => value is null ? this : Add(key, new YamlRaw(YamlScalar.Text(value)));

    public YamlMap Number(string key, double? value) => value is { } v ? Add(key, new YamlRaw(YamlScalar.Number(v))) : this;

    public YamlMap Texts(string key, IReadOnlyList<string> values) =>
        values.Count == 0 ? this : Add(key, new YamlList([.. values.Select(v => new YamlRaw(YamlScalar.Text(v)))]));

    public YamlMap Maps<T>(string key, IReadOnlyList<T> items, Func<T, YamlValue> write) =>
        items.Count == 0 ? this : Add(key, new YamlList([.. items.Select(write)]));

    public YamlMap Optional(string key, YamlValue? value) => value is null ? this : Add(key, value);
}

internal static class YamlPrinter
{
    private const int Step = 2;

    public static string Print(YamlMap root)
    {
        var sb = new StringBuilder();
        Map(root, 0, sb, firstInline: false);
        return sb.ToString();
    }

    private static void Map(YamlMap map, int indent, StringBuilder sb, bool firstInline)
    {
        var first = true;
        foreach (var (key, value) in map.Entries)
        {
            if (!(first && firstInline))
            {
                sb.Append(' ', indent);
            }

            first = false;
            sb.Append(key).Append(':');
            Value(value, indent, sb);
        }
    }

    private static void Value(YamlValue value, int indent, StringBuilder sb)
    {
        switch (value)
        {
            case YamlRaw raw:
                sb.Append(' ').Append(raw.Text).Append('\n');
                break;
            case YamlMap { Entries.Count: 0 }:
                sb.Append(" {}\n");
                break;
            case YamlMap map:
                sb.Append('\n');
                Map(map, indent + Step, sb, firstInline: false);
                break;
            case YamlList { Items.Count: 0 }:
                sb.Append(" []\n");
                break;
            case YamlList { IsFlow: true } flow:
                sb.Append(" [").AppendJoin(", ", flow.Items.Cast<YamlRaw>().Select(r => r.Text)).Append("]\n");
                break;
            case YamlList list:
                sb.Append('\n');
                foreach (var item in list.Items)
                {
                    sb.Append(' ', indent + Step).Append("- ");
                    switch (item)
                    {
                        case YamlRaw raw:
                            sb.Append(raw.Text).Append('\n');
                            break;
                        case YamlMap { Entries.Count: 0 }:
                            sb.Append("{}\n");
                            break;
                        case YamlMap m:
                            Map(m, indent + Step + Step, sb, firstInline: true);
                            break;
                        default:
                            throw new InvalidOperationException("the journey format has no lists of lists");
                    }
                }

                break;
        }
    }
}
