namespace Rules.Engine.Modules;

/// <summary>
/// Answers "which module does <c>require('x')</c> mean" when a rule set compiles: the engine's built-ins first, then
/// the host's modules, then the rule set's npm packages. Node's I/O modules are refused with the reason, unless a
/// source provides the name itself.
/// </summary>
public sealed class ModuleRegistry
{
    /// <summary>Node modules rules cannot have, and why; asked for, they fail the compile.</summary>
    public static IReadOnlyDictionary<string, string> Refused { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fs"] = "rules have no file system",
        ["fs/promises"] = "rules have no file system",
        ["child_process"] = "rules cannot start processes",
        ["net"] = "rules cannot open sockets; outbound HTTP goes through the host's HTTP modules",
        ["http"] = "rules cannot open sockets; outbound HTTP goes through the host's HTTP modules",
        ["https"] = "rules cannot open sockets; outbound HTTP goes through the host's HTTP modules",
        ["http2"] = "rules cannot open sockets",
        ["tls"] = "rules cannot open sockets",
        ["dgram"] = "rules cannot open sockets",
        ["dns"] = "rules cannot resolve names",
        ["os"] = "rules cannot read the host machine",
        ["process"] = "rules cannot read or control the host process (read settings from configuration)",
        ["vm"] = "rules cannot compile code at run time",
        ["worker_threads"] = "rules cannot start threads",
        ["cluster"] = "rules cannot start processes",
        ["module"] = "rules cannot load code at run time",
        ["v8"] = "rules cannot reach the JavaScript engine",
        ["inspector"] = "rules cannot reach the JavaScript engine",
    };

    /// <summary>Names only a host can provide; an engine without them says so instead of suggesting an npm install.</summary>
    public static IReadOnlyDictionary<string, string> HostProvided { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["auth0"] = "the Management API client is provided by Rules.Host (rules serve, eval, test)",
    };

    private readonly IReadOnlyList<IModuleSource> _sources;

    /// <summary>Builds a registry that consults the built-ins first and then <paramref name="sources"/> in order.</summary>
    /// <param name="sources">The host's modules and the rule set's packages, in the order they should win.</param>
    public ModuleRegistry(IEnumerable<IModuleSource> sources)
    {
        _sources = sources.ToArray();
    }

    /// <summary>The built-ins and the HTTP facades, then <paramref name="hostModules"/>, then <paramref name="packages"/> (when the rule set has any).</summary>
    public static ModuleRegistry For(IEnumerable<IModuleSource> hostModules, IModuleSource? packages) =>
        new(new IModuleSource[] { BuiltInModules.Source, Http.HttpModuleSource.Instance }.Concat(hostModules).Concat(packages is null ? [] : [packages]));

    /// <summary>The module, or a <see cref="ModuleResolutionException"/> whose message tells the author what to do.</summary>
    internal ModuleDefinition Resolve(ModuleSpecifier specifier)
    {
        foreach (var source in _sources)
        {
            if (source.Find(specifier.Name, specifier.Version) is { } found)
            {
                return found;
            }
        }

        var name = specifier.Name;
        if (Refused.TryGetValue(name, out var why))
        {
            throw new ModuleResolutionException($"require('{name}') is refused: {why}");
        }
        if (HostProvided.TryGetValue(name, out var provider))
        {
            throw new ModuleResolutionException($"require('{name}') is not provided by this host: {provider}");
        }

        var installed = _sources.SelectMany(s => s.Versions(name)).Distinct(StringComparer.Ordinal).ToArray();
        if (specifier.Version is not null && installed.Length > 0)
        {
            throw new ModuleResolutionException(
                $"require('{specifier.Display}') needs exactly {specifier.Display}; installed: {string.Join(", ", installed.Select(v => $"{name}@{v}"))}; run `rules modules add {specifier.Display}` or require an installed version");
        }
        return specifier.Version is null
            ? throw new ModuleResolutionException($"require('{name}') cannot be resolved: no built-in or installed package has that name; run `rules modules add {name}@VERSION` to vet one")
            : throw new ModuleResolutionException($"require('{specifier.Display}') cannot be resolved: the package is not installed; run `rules modules add {specifier.Display}`");
    }
}
