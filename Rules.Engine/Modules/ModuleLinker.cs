using Acornima;
using Jint;
using Rules.Engine.Compilation;

namespace Rules.Engine.Modules;

/// <summary>
/// Resolves, when a rule set compiles, every <c>require</c> its rules make and, through them, every file those modules
/// require, so nothing is looked up at login time and an unresolvable module is an error at the rule's line. A rule's
/// <c>require</c> must name a string literal; inside a package a computed <c>require</c> is left alone and fails only
/// if it runs.
/// </summary>
internal sealed class ModuleLinker
{
    internal const string WrapperPrefix = "(function (exports, require, module, __filename, __dirname, native, global) {";

    private readonly ModuleRegistry _registry;
    private readonly ScriptCache _cache;
    private readonly List<ModuleFile> _files = [];
    private readonly Dictionary<(int Package, string Path), int> _fileIds = [];
    private readonly List<ModuleDefinition> _packages = [];
    private readonly Dictionary<ModuleDefinition, int> _packageIds = [];

    private ModuleLinker(ModuleRegistry registry, ScriptCache cache)
    {
        _registry = registry;
        _cache = cache;
    }

    public static (LinkedModules? Modules, List<RuleCompilationError> Errors) Link(IReadOnlyList<CompiledRule> rules, ModuleRegistry registry, ScriptCache cache)
    {
        var linker = new ModuleLinker(registry, cache);
        var errors = new List<RuleCompilationError>();
        var ruleRequires = new Dictionary<string, int>(StringComparer.Ordinal);
        var required = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            foreach (var call in RequireScanner.Scan(rule.Script.Program!))
            {
                if (ruleRequires.ContainsKey(call.Specifier ?? ""))
                {
                    continue;
                }
                try
                {
                    if (call.Specifier is null)
                    {
                        throw new ModuleResolutionException("require() must name its module in a string literal, such as require('crypto'), so the module can be resolved when the rule set compiles");
                    }
                    ruleRequires[call.Specifier] = linker.ResolveBare(-1, call.Specifier, []);
                    required.Add(ModuleSpecifier.Parse(call.Specifier).Display);
                }
                catch (ModuleResolutionException e)
                {
                    var (line, column) = rule.ToAuthorPosition(call.At.Location.Start.Line, call.At.Location.Start.Column);
                    errors.Add(new RuleCompilationError(rule.Name, rule.Source.File, line, column, e.Message, rule.SourceLine(line)));
                }
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }
        // The globals Buffer, URL, URLSearchParams and (Auth0's older runtime) jwt and uuid come from these; linking costs
        // a cache lookup, evaluating waits for first use.
        foreach (var global in new[] { "buffer", "url", "jsonwebtoken", "uuid" })
        {
            if (!ruleRequires.ContainsKey(global))
            {
                ruleRequires[global] = linker.ResolveBare(-1, global, []);
            }
        }
        return (new LinkedModules(linker._files, linker._packages, ruleRequires, required.ToArray()), errors);
    }

    /// <summary>Resolves a package name (with optional version and subpath) required from file <paramref name="from"/>.</summary>
    private int ResolveBare(int from, string text, IReadOnlyList<string> chain)
    {
        var specifier = ModuleSpecifier.Parse(text);
        if (specifier.IsRelative)
        {
            throw new ModuleResolutionException($"require('{text}'): a rule has no folder to be relative to; require a built-in or an installed package by name");
        }

        var requiring = from >= 0 ? _packages[_files[from].Package] : null;
        if (specifier.Version is null && requiring?.Dependencies.TryGetValue(specifier.Name, out var pinned) == true)
        {
            specifier = specifier with { Version = pinned };
        }

        ModuleDefinition module;
        try
        {
            module = _registry.Resolve(specifier);
        }
        catch (ModuleResolutionException e) when (chain.Count > 0)
        {
            throw new ModuleResolutionException($"{string.Join(" -> ", chain.Append(specifier.Name))}: {e.Message}");
        }

        var package = PackageId(module);
        var nextChain = chain.Append(module.Name).ToArray();
        var entry = specifier.Subpath is null ? FindFile(module, module.Main) : FindFile(module, specifier.Subpath);
        if (entry is null)
        {
            throw new ModuleResolutionException(specifier.Subpath is null
                ? $"{module.DisplayName} has no entry file '{module.Main}'"
                : $"require('{text}'): {module.DisplayName} has no file '{specifier.Subpath}'");
        }
        return LinkFile(package, entry, nextChain);
    }

    private int PackageId(ModuleDefinition module)
    {
        if (!_packageIds.TryGetValue(module, out var id))
        {
            id = _packages.Count;
            _packages.Add(module);
            _packageIds[module] = id;
        }
        return id;
    }

    private int LinkFile(int package, string path, IReadOnlyList<string> chain)
    {
        if (_fileIds.TryGetValue((package, path), out var existing))
        {
            return existing;
        }

        var module = _packages[package];
        var display = $"{module.DisplayName}/{path}";
        var text = module.Files[path];
        var wrapped = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? WrapperPrefix + "module.exports = " + text + "\n})"
            : WrapperPrefix + (text.StartsWith("#!", StringComparison.Ordinal) ? "//" + text : text) + "\n})";
        Prepared<Acornima.Ast.Script> prepared;
        try
        {
            prepared = (module.Origin == ModuleOrigin.BuiltIn ? BuiltInModules.Scripts : _cache).GetOrPrepare(wrapped, display);
        }
        catch (ScriptPreparationException e) when (e.InnerException is ParseErrorException parse)
        {
            throw new ModuleResolutionException($"{string.Join(" -> ", chain)}: {display} does not compile: line {parse.LineNumber}: {parse.Description}");
        }

        var file = new ModuleFile(package, path, display, prepared);
        var id = _files.Count;
        _files.Add(file);
        _fileIds[(package, path)] = id;

        foreach (var call in RequireScanner.Scan(prepared.Program!))
        {
            if (call.Specifier is null || file.Requires.ContainsKey(call.Specifier))
            {
                continue;
            }
            var specifier = ModuleSpecifier.Parse(call.Specifier);
            if (specifier.IsRelative)
            {
                var target = FindFile(module, Combine(Directory(path), call.Specifier))
                    ?? throw new ModuleResolutionException($"{string.Join(" -> ", chain)}: {display} requires '{call.Specifier}', which is not in the package");
                file.Requires[call.Specifier] = LinkFile(package, target, chain);
            }
            else
            {
                file.Requires[call.Specifier] = ResolveBare(id, call.Specifier, chain);
            }
        }
        return id;
    }

    /// <summary>Node's file lookup inside one package: the path, then .js, .json, a folder's package.json main, index.js, index.json.</summary>
    private static string? FindFile(ModuleDefinition module, string path, int depth = 0)
    {
        var p = Normalize(path);
        if (p is null || depth > 4)
        {
            return null;
        }
        foreach (var candidate in new[] { p, p + ".js", p + ".json" })
        {
            if (candidate.Length > 0 && module.Files.ContainsKey(candidate))
            {
                return candidate;
            }
        }
        var folder = p.Length == 0 ? "" : p + "/";
        if (module.Files.TryGetValue(folder + "package.json", out var manifest) && PackageMain(manifest) is { } main
            && FindFile(module, folder + main, depth + 1) is { } viaMain)
        {
            return viaMain;
        }
        foreach (var candidate in new[] { folder + "index.js", folder + "index.json" })
        {
            if (module.Files.ContainsKey(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    internal static string? PackageMain(string manifest)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(manifest);
            return document.RootElement.TryGetProperty("main", out var main) && main.ValueKind == System.Text.Json.JsonValueKind.String ? main.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Directory(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    private static string Combine(string directory, string relative) => directory.Length == 0 ? relative : directory + "/" + relative;

    /// <summary>Resolves <c>.</c> and <c>..</c>; null when the path climbs out of the package.</summary>
    private static string? Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
