using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Import;

/// <summary>The import's repeated-hash finder against a LINQ GroupBy of the same hashes.</summary>
public sealed class RepeatedHashesTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(50_000, 300)]
    [InlineData(200_000, 5_000)]
    public void It_finds_exactly_the_hashes_that_occur_more_than_once(int distinct, int repeats)
    {
        var random = new Random(distinct + repeats);
        var hashes = new List<ulong>();
        for (var i = 0; i < distinct; i++)
        {
            // Many share a top byte (one partition), some are 0 or the largest value.
            hashes.Add(i % 10 == 0 ? (ulong)random.Next(256) : (ulong)random.NextInt64() * 2 + (ulong)(i % 2));
        }

        hashes.Add(0);
        hashes.Add(ulong.MaxValue);
        for (var i = 0; i < repeats; i++)
        {
            hashes.Add(hashes[random.Next(distinct)]);
        }

        var shuffled = hashes.ToArray();
        random.Shuffle(shuffled);
        // A longer array than the count: the finder must look at the first count only.
        var padded = shuffled.Concat(Enumerable.Repeat(hashes.Count > 0 ? hashes[0] : 7UL, 5)).ToArray();

        var expected = shuffled.GroupBy(h => h).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToArray();

        RepeatedHashes.Find(padded, shuffled.Length).Order().ToArray().ShouldBe(expected);
    }
}
