using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Trailmap.Events;

/// <summary>
/// Reads customers' traits (all keys, or only the wanted ones) into compact read-only maps that share repeated values.
/// </summary>
/// <remarks>
/// A store of 2M customers holds 2M traits objects, mostly the same few plans, countries and roles. As one
/// <see cref="Dictionary{TKey,TValue}"/> each, with a fresh key and value string per customer, they took about a
/// gigabyte of a persona analysis; as an array of pairs whose keys and repeated values are shared they take a fraction.
/// One picker serves one load on one thread. The pool of shared values is bounded, so a trait holding a unique value
/// per customer (an email) costs what it did before, not a pool that grows with the store.
/// </remarks>
internal sealed class TraitPicker(IReadOnlySet<string>? wanted)
{
    private const int MaxPooled = 65_536;
    private static readonly object True = true;
    private static readonly object False = false;
    private readonly string[]? keys = wanted?.ToArray();
    private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);
    private readonly Dictionary<double, object> numbers = [];

    /// <summary>The traits of a customer who has none (of the wanted ones), shared.</summary>
    public static IReadOnlyDictionary<string, object?> None { get; } = new TraitMap([]);

    /// <summary>The traits object's picked values, or null when it holds none of them (or is not an object).</summary>
    public IReadOnlyDictionary<string, object?>? Pick(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        List<KeyValuePair<string, object?>>? picked = null;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (Key(p) is not { } key)
            {
                continue;
            }

            picked ??= new List<KeyValuePair<string, object?>>(keys?.Length ?? 4);

            // A repeated key keeps its last value, as a dictionary filled in order did.
            var at = picked.FindIndex(x => x.Key == key);
            var pair = new KeyValuePair<string, object?>(key, Value(p.Value));
            if (at >= 0)
            {
                picked[at] = pair;
            }
            else
            {
                picked.Add(pair);
            }
        }

        return picked is null ? null : new TraitMap([.. picked]);
    }

    /// <summary>
    /// The traits of one customer given as each wanted key's value in JSON text (null when the key is absent), as
    /// DuckDB's <c>json_extract</c> returns them; null when every key is absent.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? PickValues(IReadOnlyList<string> wantedKeys, ReadOnlySpan<string?> jsonValues)
    {
        var count = 0;
        foreach (var v in jsonValues)
        {
            count += v is null ? 0 : 1;
        }

        if (count == 0)
        {
            return null;
        }

        var pairs = new KeyValuePair<string, object?>[count];
        var at = 0;
        for (var k = 0; k < jsonValues.Length; k++)
        {
            if (jsonValues[k] is { } text)
            {
                pairs[at++] = new(wantedKeys[k], ValueOf(text));
            }
        }

        return new TraitMap(pairs);
    }

    /// <summary>One JSON value's CLR value, as <see cref="Value(JsonElement)"/> gives it; the common shapes without a parser.</summary>
    private object? ValueOf(string json)
    {
        switch (json)
        {
            case "null":
                return null;
            case "true":
                return True;
            case "false":
                return False;
        }

        if (json.Length >= 2 && json[0] == '"' && json[^1] == '"' && json.AsSpan(1, json.Length - 2).IndexOfAny('\\', '"') < 0)
        {
            return Shared(json[1..^1]);
        }

        if (json.Length > 0 && (char.IsAsciiDigit(json[0]) || json[0] == '-')
            && double.TryParse(json, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return Boxed(number);
        }

        using var doc = JsonDocument.Parse(json);
        return Value(doc.RootElement);
    }

    private string? Key(JsonProperty p)
    {
        if (keys is null)
        {
            return Shared(p.Name);
        }

        // Compared on the UTF-8 bytes: no key string is made for the keys nobody asked for.
        foreach (var k in keys)
        {
            if (p.NameEquals(k))
            {
                return k;
            }
        }

        return null;
    }

    private object? Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => Shared(e.GetString()!),
        JsonValueKind.Number => Boxed(e.GetDouble()),
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => e.GetRawText(),
    };

    private string Shared(string s)
    {
        if (strings.TryGetValue(s, out var shared))
        {
            return shared;
        }

        if (strings.Count < MaxPooled)
        {
            strings[s] = s;
        }

        return s;
    }

    private object Boxed(double d)
    {
        if (numbers.TryGetValue(d, out var boxed))
        {
            return boxed;
        }

        boxed = d;
        if (numbers.Count < MaxPooled)
        {
            numbers[d] = boxed;
        }

        return boxed;
    }

    /// <summary>A few key-value pairs, looked up by scanning: traits maps hold a handful of keys.</summary>
    private sealed class TraitMap(KeyValuePair<string, object?>[] pairs) : IReadOnlyDictionary<string, object?>
    {
        public int Count => pairs.Length;

        public IEnumerable<string> Keys => pairs.Select(p => p.Key);

        public IEnumerable<object?> Values => pairs.Select(p => p.Value);

        public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no trait '{key}'");

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
        {
            foreach (var p in pairs)
            {
                if (string.Equals(p.Key, key, StringComparison.Ordinal))
                {
                    value = p.Value;
                    return true;
                }
            }

            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)pairs).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
