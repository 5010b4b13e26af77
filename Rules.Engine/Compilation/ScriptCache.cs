using System.Security.Cryptography;
using System.Text;
using Acornima.Ast;
using Jint;
using Microsoft.Extensions.Caching.Memory;

namespace Rules.Engine.Compilation;

/// <summary>
/// Parsed rule scripts, shared by every runtime and every rule-set version. Keyed by a hash of the
/// exact text parsed, never by rule names, so editing one rule re-parses that rule only and two rule
/// sets holding the same file share one entry. Bounded by total source characters.
/// </summary>
public sealed class ScriptCache : IDisposable
{
    private readonly MemoryCache _cache;

    /// <summary>Creates a cache of its own, for a host that wants to bound or drop parsed scripts separately from the process-wide one.</summary>
    /// <param name="maxSourceCharacters">The total length of source text the cache may hold before it evicts entries.</param>
    public ScriptCache(long maxSourceCharacters = 16 * 1024 * 1024)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxSourceCharacters });
    }

    /// <summary>The process-wide cache every compile uses unless given another, so rule-set versions that share files parse them once.</summary>
    public static ScriptCache Shared { get; } = new();

    /// <summary>How many parsed scripts the cache holds now.</summary>
    public int Count => _cache.Count;

    /// <summary>How many parses this cache has performed (misses); the tests read it to prove reuse.</summary>
    public long ParseCount => Interlocked.Read(ref _parseCount);

    private long _parseCount;

    /// <summary>Returns the prepared script for <paramref name="code"/>, parsing it on first use. Throws the parser's exception on a syntax error.</summary>
    public Prepared<Script> GetOrPrepare(string code, string sourceName)
    {
        var key = new CacheKey(Hash(code), sourceName);
        if (_cache.TryGetValue(key, out Prepared<Script> prepared))
        {
            return prepared;
        }

        Interlocked.Increment(ref _parseCount);
        prepared = Jint.Engine.PrepareScript(code, sourceName, strict: false);
        _cache.Set(key, prepared, new MemoryCacheEntryOptions { Size = Math.Max(1, code.Length) });
        return prepared;
    }

    private static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    /// <summary>Drops every parsed script. Compiled rule sets keep the scripts they already hold.</summary>
    public void Dispose() => _cache.Dispose();

    // The source name is part of the key because stack traces and error locations name the file.
    private readonly record struct CacheKey(string SourceHash, string SourceName);
}
