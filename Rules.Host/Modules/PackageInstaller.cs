using Rules.Engine.Modules;

namespace Rules.Host.Modules;

/// <summary>
/// <c>rules modules add</c>'s work: installs a package and, recursively, its dependencies (each at the highest version
/// its range allows, or one the lock already holds) into <c>RULES_DIR/modules/NAME@VERSION/</c>, then writes
/// <c>modules.lock.json</c> with each package's files hash and whether it was asked for or came as a dependency. Every package is checked first (no install scripts, no native build, sha512 integrity,
/// a clean tarball); if any is refused, nothing of this run stays on disk and the lock is unchanged.
/// </summary>
internal sealed class PackageInstaller(NpmRegistry registry, string rulesDirectory, TextWriter output)
{
    private readonly List<string> _created = [];

    public async Task<ModulesLock> AddAsync(string name, string version, CancellationToken cancellation)
    {
        var @lock = ModulesLock.Read(rulesDirectory) ?? ModulesLock.Empty;
        try
        {
            @lock = await InstallAsync(@lock, name, version, [], cancellation);
            // Asked for by name: it stays when the packages that also depend on it go.
            if (@lock.Packages.FirstOrDefault(p => p.Name == name && p.Version == version) is { Direct: false } asked)
            {
                @lock = @lock.With(asked with { Direct = true });
            }
            @lock.Write(rulesDirectory);
            return @lock;
        }
        catch
        {
            foreach (var folder in _created)
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
            throw;
        }
    }

    /// <summary>Locked and unpacked as vetted; a package whose files changed is downloaded and unpacked again.</summary>
    private static bool Intact(ModulesLock @lock, string key, string folder) =>
        @lock.Packages.FirstOrDefault(p => p.Key == key) is { FilesHash: { } recorded } && Directory.Exists(folder) && PackageFiles.Hash(PackageFiles.Read(folder)) == recorded;

    private async Task<ModulesLock> InstallAsync(ModulesLock @lock, string name, string version, IReadOnlyList<string> chain, CancellationToken cancellation)
    {
        var key = $"{name}@{version}";
        if (chain.Contains(key) || Intact(@lock, key, ModulesLock.PackageFolder(rulesDirectory, name, version)))
        {
            return @lock;
        }
        var published = await registry.VersionAsync(name, version, cancellation);
        if (published.InstallScripts.Count > 0)
        {
            throw new PackageRefusedException($"{key}: it runs install scripts ({string.Join(", ", published.InstallScripts)}); packages that build or run code on install are refused");
        }
        if (published.HasNativeBuild)
        {
            throw new PackageRefusedException($"{key}: it builds a native addon (gypfile); only pure-JavaScript packages run in the rule sandbox");
        }

        var tarball = await registry.DownloadAsync(published, cancellation);
        PackageTarball.VerifyIntegrity(tarball, published.Integrity, key);
        var folder = ModulesLock.PackageFolder(rulesDirectory, name, version);
        var staging = folder + ".partial-" + Guid.NewGuid().ToString("n")[..8];
        _created.Add(staging);
        PackageTarball.Extract(tarball, staging, key);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.Move(staging, folder);
        _created.Remove(staging);
        _created.Add(folder);
        var filesHash = PackageFiles.Hash(PackageFiles.Read(folder));
        output.WriteLine($"  {key}  {published.Integrity.Split(' ')[0][..Math.Min(24, published.Integrity.Length)]}...{(chain.Count > 0 ? $"  (for {chain[^1]})" : "")}");

        var dependencies = new Dictionary<string, string>(StringComparer.Ordinal);
        var next = chain.Append(key).ToArray();
        foreach (var (dependency, range) in published.Dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var locked = @lock.Packages.Where(p => p.Name == dependency && SemverRange.Satisfies(p.Version, range)).Select(p => p.Version);
            string? chosen;
            try
            {
                chosen = SemverRange.MaxSatisfying(locked, range) ?? SemverRange.MaxSatisfying(await registry.VersionsAsync(dependency, cancellation), range);
            }
            catch (FormatException e)
            {
                throw new PackageRefusedException($"{key} depends on {dependency}@'{range}': {e.Message}; add a version of {dependency} yourself first");
            }
            if (chosen is null)
            {
                throw new PackageRefusedException($"{key} depends on {dependency}@'{range}', and no published version satisfies it");
            }
            dependencies[dependency] = chosen;
            @lock = await InstallAsync(@lock, dependency, chosen, next, cancellation);
        }

        var direct = chain.Count == 0 || @lock.Packages.Any(p => p.Key == key && p.Direct);
        return @lock.With(new LockedPackage(name, version, published.Integrity, published.Tarball, dependencies, filesHash, direct));
    }
}
