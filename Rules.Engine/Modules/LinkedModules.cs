using Acornima.Ast;
using Jint;

namespace Rules.Engine.Modules;

/// <summary>
/// The modules one compiled rule set can load, resolved when it compiled: every file a <c>require</c> can reach, each
/// prepared once (the script cache) and numbered, and for each requiring file (rules are <see cref="FromRules"/>) what
/// each specifier it names resolves to. A runtime evaluates a file on its first <c>require</c> and keeps its exports.
/// </summary>
internal sealed class LinkedModules
{
    public const int FromRules = -1;

    private readonly Dictionary<string, int> _ruleRequires;

    internal LinkedModules(IReadOnlyList<ModuleFile> files, IReadOnlyList<ModuleDefinition> packages, Dictionary<string, int> ruleRequires, IReadOnlyList<string> required)
    {
        Files = files;
        Packages = packages;
        _ruleRequires = ruleRequires;
        Required = required;
        BufferFile = ruleRequires.TryGetValue("buffer", out var buffer) ? buffer : -1;
    }

    public IReadOnlyList<ModuleFile> Files { get; }

    /// <summary>Every module any file uses, built-ins included; <see cref="ModuleFile.Package"/> indexes it.</summary>
    public IReadOnlyList<ModuleDefinition> Packages { get; }

    /// <summary>What the rules themselves name, as <c>name</c> or <c>name@version</c>, sorted: what the Management API shows.</summary>
    public IReadOnlyList<string> Required { get; }

    /// <summary>The file the global <c>Buffer</c> comes from.</summary>
    public int BufferFile { get; }

    /// <summary>The file <paramref name="specifier"/> names from <paramref name="from"/> (a file index or <see cref="FromRules"/>), or -1.</summary>
    public int Resolve(int from, string specifier)
    {
        var map = from == FromRules ? _ruleRequires : from >= 0 && from < Files.Count ? Files[from].Requires : null;
        return map is not null && map.TryGetValue(specifier, out var id) ? id : -1;
    }
}

/// <summary>One file of a module, prepared as <c>(function (exports, require, module, __filename, __dirname, native, global) { ... })</c>; <c>global</c> is the global object, as in Node.</summary>
internal sealed class ModuleFile(int package, string path, string displayName, Prepared<Script> script)
{
    public int Package { get; } = package;

    public string Path { get; } = path;

    /// <summary><c>name@version/path</c>: what <c>__filename</c> and stack traces show.</summary>
    public string DisplayName { get; } = displayName;

    public Prepared<Script> Script { get; } = script;

    public Dictionary<string, int> Requires { get; } = new(StringComparer.Ordinal);
}
