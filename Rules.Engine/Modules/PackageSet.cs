using System.Collections.Concurrent;

namespace Rules.Engine.Modules;

/// <summary>
/// The npm packages of one rule set: the entries of its lock, with their files read from <c>modules/NAME@VERSION/</c>
/// beside <c>modules.lock.json</c> or, for a rule set kept in a host's store, from wherever <see cref="FromStore"/>'s
/// reader finds them. A package's files are read when a rule first requires it and must hash to the lock's
/// <see cref="LockedPackage.FilesHash"/>; a package that does not is refused with the reason.
/// </summary>
public sealed class PackageSet : IModuleSource
{
    private readonly Func<LockedPackage, IReadOnlyDictionary<string, string>?> _files;
    private readonly string _where;
    private readonly ConcurrentDictionary<string, ModuleDefinition> _loaded = new(StringComparer.Ordinal);

    /// <summary>The packages <paramref name="lock"/> lists, unpacked under <paramref name="directory"/>.</summary>
    /// <param name="directory">The rule set's directory, which holds <c>modules/</c>.</param>
    /// <param name="lock">The lock file read from that directory.</param>
    public PackageSet(string directory, ModulesLock @lock)
    {
        Directory = directory;
        Lock = @lock;
        _where = Path.Combine(directory, ModulesLock.FolderName);
        _files = package =>
        {
            var root = ModulesLock.PackageFolder(directory, package.Name, package.Version);
            return System.IO.Directory.Exists(root) ? PackageFiles.Read(root) : null;
        };
    }

    private PackageSet(ModulesLock @lock, Func<LockedPackage, IReadOnlyDictionary<string, string>?> files, string where)
    {
        Lock = @lock;
        _files = files;
        _where = where;
    }

    /// <summary>The lock file this set was opened from.</summary>
    public ModulesLock Lock { get; }

    /// <summary>The folder holding <c>modules.lock.json</c> and <c>modules/</c>; null for a set from a store.</summary>
    public string? Directory { get; }

    /// <summary>The lock in <paramref name="directory"/> as a package set, or null when the directory has no lock.</summary>
    public static PackageSet? Open(string directory) =>
        ModulesLock.Read(directory) is { } found ? new PackageSet(directory, found) : null;

    /// <summary>Packages a host keeps itself (Rules.Host: the database); <paramref name="files"/> returns null for one it lacks.</summary>
    public static PackageSet FromStore(ModulesLock @lock, Func<LockedPackage, IReadOnlyDictionary<string, string>?> files, string where) =>
        new(@lock, files, where);

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
        var files = _files(package)
            ?? throw new ModuleResolutionException($"{package.Key} is in the lock but its files are missing from {_where}; run `rules modules add {package.Key}` again");
        if (package.FilesHash is null)
        {
            throw new ModuleResolutionException($"{package.Key} has no filesHash in the lock, so its files cannot be checked; run `rules modules add {package.Key}` again");
        }
        var actual = PackageFiles.Hash(files);
        if (actual != package.FilesHash)
        {
            throw new ModuleResolutionException(
                $"{package.Key} in {_where} does not match the lock: its files hash to {actual}, the lock recorded {package.FilesHash} when it was vetted; something changed them since; run `rules modules add {package.Key}` again to restore it");
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
