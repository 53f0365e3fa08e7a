namespace Trailmap.Events;

/// <summary>
/// Finds <c>\uXXXX</c> escapes in raw JSON that name half of a UTF-16 surrogate pair without its other half. JSON's
/// grammar allows them, System.Text.Json parses them, and then reading the string throws; the importer rejects such
/// a line and the ingestion API such a message, with a reason, instead.
/// </summary>
public static class JsonEscapes
{
    /// <summary>The first lone surrogate escape in <paramref name="json"/> (such as <c>\ud800</c>), or null when there is none.</summary>
    public static string? FindLoneSurrogate(ReadOnlySpan<byte> json)
    {
        var i = json.IndexOf((byte)'\\');
        while (i >= 0 && i < json.Length - 1)
        {
            // Outside strings JSON has no backslashes, and inside them every backslash starts a two-character
            // escape, so stepping escape by escape never mistakes an escaped backslash for the start of one.
            if (json[i + 1] != (byte)'u')
            {
                i = Next(json, i + 2);
                continue;
            }

            if (Hex(json, i + 2) is not { } unit)
            {
                i = Next(json, i + 2); // not four hex digits: the parser has refused it already
                continue;
            }

            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return Text(json, i);
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                var low = i + 6 + 1 < json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u' ? Hex(json, i + 8) : null;
                if (low is not (>= 0xDC00 and <= 0xDFFF))
                {
                    return Text(json, i);
                }

                i = Next(json, i + 12);
                continue;
            }

            i = Next(json, i + 6);
        }

        return null;
    }

    private static int Next(ReadOnlySpan<byte> json, int from) =>
        from >= json.Length ? -1 : json[from..].IndexOf((byte)'\\') is var k and >= 0 ? from + k : -1;

    private static int? Hex(ReadOnlySpan<byte> json, int at)
    {
        if (at + 4 > json.Length)
        {
            return null;
        }

        var value = 0;
        for (var k = 0; k < 4; k++)
        {
            int digit = json[at + k] switch
            {
                >= (byte)'0' and <= (byte)'9' => json[at + k] - '0',
                >= (byte)'a' and <= (byte)'f' => json[at + k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => json[at + k] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return null;
            }

            value = (value * 16) + digit;
        }

        return value;
    }

    private static string Text(ReadOnlySpan<byte> json, int at) => System.Text.Encoding.ASCII.GetString(json.Slice(at, 6));
}
