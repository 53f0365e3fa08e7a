namespace Trailmap.Events;

/// <summary>
/// The 64-bit hashes that occur more than once in a list, found by partitioning the list on its top byte and sorting
/// each partition on its own (in parallel; each fits in cache). An import's within-file duplicate check starts here:
/// DuckDB's GROUP BY over 10M message-id hashes took 3.5 s of CPU, this takes well under one. Only the rows whose hash
/// repeats (real repeats, and the rare collision) are then grouped by their text in SQL.
/// </summary>
internal static class RepeatedHashes
{
    /// <summary>The hashes among the first <paramref name="count"/> that repeat; reorders those entries of the array.</summary>
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

        // In place (American flag sort): each value is swapped straight into its partition's next free slot, so the
        // hashes of a 100M-row import are not held twice (800 MB).
        var next = (int[])starts.Clone();
        for (var b = 0; b < 256; b++)
        {
            while (next[b] < starts[b + 1])
            {
                var value = hashes[next[b]];
                var home = (int)(value >> 56);
                while (home != b)
                {
                    (value, hashes[next[home]]) = (hashes[next[home]], value);
                    next[home]++;
                    home = (int)(value >> 56);
                }

                hashes[next[b]++] = value;
            }
        }

        var repeated = new List<ulong>[256];
        Parallel.For(0, 256, b =>
        {
            var part = hashes.AsSpan(starts[b], starts[b + 1] - starts[b]);
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
