using System.Collections.Concurrent;

namespace Rules.Engine.Modules;

/// <summary>
/// The npm packages of one rule set: the entries of its <c>modules.lock.json</c>, read from <c>modules/NAME@VERSION/</c>
/// beside it. A package's JavaScript and JSON files are read when a rule first requires it.
/// </summary>
public sealed class PackageSet : IModuleSource
{
    private static readonly string[] SourceExtensions = [".js", ".cjs", ".json"];

    private readonly string _directory;
    private readonly ConcurrentDictionary<string, ModuleDefinition> _loaded = new(StringComparer.Ordinal);

    /// <summary>The packages <paramref name="lock"/> lists, unpacked under <paramref name="directory"/>.</summary>
    /// <param name="directory">The rule set's directory, which holds <c>modules/</c>.</param>
    /// <param name="lock">The lock file read from that directory.</param>
    public PackageSet(string directory, ModulesLock @lock)
    {
        _directory = directory;
        Lock = @lock;
    }

    /// <summary>The lock file this set was opened from.</summary>
    public ModulesLock Lock { get; }

    /// <summary>The folder holding <c>modules.lock.json</c> and <c>modules/</c>.</summary>
    public string Directory => _directory;

    /// <summary>The lock in <paramref name="directory"/> as a package set, or null when the directory has no lock.</summary>
    public static PackageSet? Open(string directory) =>
        ModulesLock.Read(directory) is { } found ? new PackageSet(directory, found) : null;

    /// <summary>The package <paramref name="name"/> at <paramref name="version"/> (any version when null, if only one is locked; with several, <see cref="ModuleResolutionException"/> asks for one), loaded from disk on first use; null when it is not locked.</summary>
    public ModuleDefinition? Find(string name, string? version)
    {
        var candidates = Lock.Packages.Where(p => p.Name == name).ToArray();
        if (version is not null)
        {
            candidates = candidates.Where(p => p.Version == version).ToArray();
        }
        if (candidates.Length > 1)
        {
            throw new ModuleResolutionException(
                $"require('{name}'): {candidates.Length} versions are installed ({string.Join(", ", candidates.Select(c => c.Key))}); require one of them by version, such as require('{candidates[^1].Key}')");
        }
        return candidates.Length == 0 ? null : _loaded.GetOrAdd(candidates[0].Key, _ => Load(candidates[0]));
    }

    /// <summary>Every locked version of <paramref name="name"/>, for errors that say which versions exist.</summary>
    public IReadOnlyList<string> Versions(string name) => Lock.Packages.Where(p => p.Name == name).Select(p => p.Version).ToArray();

    private ModuleDefinition Load(LockedPackage package)
    {
        var root = ModulesLock.PackageFolder(_directory, package.Name, package.Version);
        if (!System.IO.Directory.Exists(root))
        {
            throw new ModuleResolutionException($"{package.Key} is in {ModulesLock.FileName} but its files are missing from {root}; run `rules modules add {package.Key}` again");
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (SourceExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            {
                files[Path.GetRelativePath(root, file).Replace('\\', '/')] = File.ReadAllText(file);
            }
        }
        var main = files.TryGetValue("package.json", out var manifest) ? ModuleLinker.PackageMain(manifest) ?? "index.js" : "index.js";
        return new ModuleDefinition
        {
            Name = package.Name,
            Version = package.Version,
            Origin = ModuleOrigin.Package,
            Files = files,
            Main = main,
            Dependencies = package.Dependencies,
        };
    }
}
