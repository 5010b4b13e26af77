namespace Rules.Engine.Runtime;

/// <summary>
/// xorshift128+ (the generator V8 uses for Math.random) seeded through splitmix64, so nearby seeds
/// still give unrelated sequences. One per runtime; reseeded at the start of every seeded login.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;

    public bool Seeded { get; private set; }

    public void Seed(ulong? seed)
    {
        Seeded = seed.HasValue;
        if (seed is not { } value)
        {
            return;
        }
        var x = value;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        if (_s0 == 0 && _s1 == 0)
        {
            _s1 = 1;
        }
    }

    /// <summary>A double in [0, 1): the seeded sequence, or the shared unpredictable one without a seed.</summary>
    public double NextDouble()
    {
        if (!Seeded)
        {
            return Random.Shared.NextDouble();
        }
        var s1 = _s0;
        var s0 = _s1;
        _s0 = s0;
        s1 ^= s1 << 23;
        s1 ^= s1 >> 17;
        s1 ^= s0;
        s1 ^= s0 >> 26;
        _s1 = s1;
        // The top 53 bits of the sum make an evenly spread double in [0, 1).
        return ((_s0 + _s1) >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong SplitMix64(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A stable 64-bit FNV-1a hash, for deriving a seed from a record's id.</summary>
    public static ulong Hash(string text)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 0x100000001b3UL;
        }
        return hash;
    }
}
