using System.Numerics;

namespace Trailmap.Journeys.Generation;

/// <summary>
/// PCG-XSH-RR (O'Neill 2014): a small, fast PRNG with a published algorithm, so a seed gives the same log on every
/// .NET version, unlike <see cref="Random"/> whose algorithm is unspecified.
/// </summary>
internal struct Pcg32
{
    private const ulong Multiplier = 6364136223846793005UL;
    private ulong _state;
    private readonly ulong _increment;

    public Pcg32(ulong seed, ulong stream)
    {
        _state = 0;
        _increment = (stream << 1) | 1;
        NextUInt();
        _state += seed;
        NextUInt();
    }

    /// <summary>One independent stream per customer, so a customer's events do not depend on the customers before it.</summary>
    public static Pcg32 ForCustomer(int seed, long customer) => new(Mix((ulong)(uint)seed), Mix((ulong)customer + 0x9E3779B97F4A7C15UL));

    public uint NextUInt()
    {
        var old = _state;
        _state = unchecked((old * Multiplier) + _increment);
        var xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        return BitOperations.RotateRight(xorShifted, (int)(old >> 59));
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => ((((ulong)(NextUInt() >> 5)) << 26) + (NextUInt() >> 6)) * (1.0 / 9007199254740992.0);

    public int Next(int maxExclusive) => maxExclusive <= 1 ? 0 : (int)(NextDouble() * maxExclusive);

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A log-normal draw with the given median: half the draws fall below it, the tail is long.</summary>
    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

    /// <summary>Extra occurrences after the first: 0 with probability 1-p, 1 with p(1-p), ...; at most <paramref name="max"/>.</summary>
    public int Geometric(double p, int max)
    {
        var n = 0;
        while (n < max && Chance(p))
        {
            n++;
        }

        return n;
    }

    // SplitMix64's finaliser: spreads neighbouring seeds and customer numbers over the whole state space.
    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
