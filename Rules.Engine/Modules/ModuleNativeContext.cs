using Jint.Native;

namespace Rules.Engine.Modules;

/// <summary>
/// What a module's native binding may use of the runtime that hosts it: the Jint engine (to create functions and
/// values) and the runtime's random source (cryptographically random, except on replay, where it is seeded per record
/// so a replayed login gets the same bytes). Nothing else of the host is reachable from here.
/// </summary>
public sealed class ModuleNativeContext
{
    private readonly Action<Span<byte>> _fillRandom;

    internal ModuleNativeContext(Jint.Engine engine, Action<Span<byte>> fillRandom, long maxBinaryBytes)
    {
        Engine = engine;
        _fillRandom = fillRandom;
        MaxBinaryBytes = maxBinaryBytes;
    }

    /// <summary>The Jint engine of the runtime being built, for creating the native object's functions and values.</summary>
    public Jint.Engine Engine { get; }

    /// <summary>The most bytes one native call may hand back (the sandbox's MemoryLimitBytes).</summary>
    public long MaxBinaryBytes { get; }

    /// <summary>Fills <paramref name="bytes"/> from the runtime's random source (seeded on replay, cryptographically random otherwise).</summary>
    public void FillRandom(Span<byte> bytes) => _fillRandom(bytes);

    /// <summary>A plain object for the module's native functions.</summary>
    public JsObject NewObject() => new(Engine);
}
