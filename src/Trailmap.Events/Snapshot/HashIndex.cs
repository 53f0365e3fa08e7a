using System.Numerics;

namespace Trailmap.Events;

/// <summary>
/// A map from a 64-bit hash to a dense index, with open addressing in one array of slots. A snapshot build looks up
/// every row's customer hash in it (10M lookups into a million customers, in arrival order, so nearly every lookup is
/// a cache miss): <see cref="Dictionary{TKey, TValue}"/> took two misses a lookup (bucket, then entry) and a third of
/// the build's CPU; a slot here holds the key and the index together.
/// </summary>
internal sealed class HashIndex
{
    private readonly Slot[] slots;
    private readonly int shift;

    public HashIndex(int count)
    {
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, count * 2));
        slots = new Slot[capacity];
        shift = 64 - BitOperations.Log2((uint)capacity);
    }

    /// <summary>Adds <paramref name="key"/> with <paramref name="index"/>; false when the key is already there.</summary>
    public bool TryAdd(ulong key, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        for (var at = Home(key); ; at = (at + 1) & (slots.Length - 1))
        {
            ref var slot = ref slots[at];
            if (slot.IndexPlusOne == 0)
            {
                slot = new Slot(key, index + 1);
                return true;
            }

            if (slot.Key == key)
            {
                return false;
            }
        }
    }

    /// <summary>The index of <paramref name="key"/>; throws when it was never added.</summary>
    public int this[ulong key]
    {
        get
        {
            for (var at = Home(key); ; at = (at + 1) & (slots.Length - 1))
            {
                var slot = slots[at];
                if (slot.Key == key && slot.IndexPlusOne != 0)
                {
                    return slot.IndexPlusOne - 1;
                }

                if (slot.IndexPlusOne == 0)
                {
                    throw new KeyNotFoundException($"hash {key} is not in the index");
                }
            }
        }
    }

    // Fibonacci hashing: the multiply spreads keys whose low bits agree, whatever hashed them.
    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> shift);

    /// <summary>A key and its index + 1 (0 marks an empty slot, so a new array is all empty).</summary>
    private readonly record struct Slot(ulong Key, int IndexPlusOne);
}
