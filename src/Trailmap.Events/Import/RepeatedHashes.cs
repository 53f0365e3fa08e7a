namespace Trailmap.Events;

/// <summary>
/// The 64-bit hashes that occur more than once in a list, found by partitioning the list on its top byte and sorting
/// each partition on its own (in parallel; each fits in cache). An import's within-file duplicate check starts here:
/// DuckDB's GROUP BY over 10M message-id hashes took 3.5 s of CPU, this takes well under one. Only the rows whose hash
/// repeats (real repeats, and the rare collision) are then grouped by their text in SQL.
/// </summary>
internal static class RepeatedHashes
{
    public static ulong[] Find(ulong[] hashes, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, hashes.Length);
        var starts = new int[257];
        for (var i = 0; i < count; i++)
        {
            starts[(hashes[i] >> 56) + 1]++;
        }

        for (var b = 0; b < 256; b++)
        {
            starts[b + 1] += starts[b];
        }

        var next = (int[])starts.Clone();
        var partitioned = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            partitioned[next[hashes[i] >> 56]++] = hashes[i];
        }

        var repeated = new List<ulong>[256];
        Parallel.For(0, 256, b =>
        {
            var part = partitioned.AsSpan(starts[b], starts[b + 1] - starts[b]);
            part.Sort();
            List<ulong>? found = null;
            for (var i = 1; i < part.Length; i++)
            {
                if (part[i] == part[i - 1] && (found is null || found[^1] != part[i]))
                {
                    (found ??= []).Add(part[i]);
                }
            }

            repeated[b] = found ?? [];
        });

        return [.. repeated.SelectMany(r => r)];
    }
}
