using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Store;

/// <summary>The snapshot build's hash index against a <see cref="Dictionary{TKey, TValue}"/> on the same keys.</summary>
public sealed class HashIndexTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public void Every_added_key_finds_its_index_and_a_repeated_key_is_refused(int count)
    {
        var random = new Random(count);
        var expected = new Dictionary<ulong, int>();
        var index = new HashIndex(count);
        // Key 0 (an empty slot's key), keys that differ only in high bits (same home slot before the multiply) and
        // random ones.
        var keys = new List<ulong> { 0, 1UL << 63, (1UL << 63) | 1 };
        while (keys.Count < count)
        {
            keys.Add((ulong)random.NextInt64() ^ ((ulong)random.Next() << 32));
        }

        foreach (var key in keys.Take(count))
        {
            var added = expected.TryAdd(key, expected.Count);
            index.TryAdd(key, added ? expected[key] : 999).ShouldBe(added);
        }

        foreach (var (key, value) in expected)
        {
            index[key].ShouldBe(value);
        }

        Should.Throw<KeyNotFoundException>(() => index[42_424_242UL]);
    }
}
