using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rules.Engine.Modules;

/// <summary>
/// One vetted package in <c>modules.lock.json</c>. <see cref="FilesHash"/> is <see cref="PackageFiles.Hash"/> of the
/// unpacked source files, checked whenever a rule set loads them; <see cref="Direct"/> is false for a package that is
/// there only because another one depends on it (removed with the last package that needs it).
/// </summary>
public sealed record LockedPackage(string Name, string Version, string Integrity, string? Resolved, IReadOnlyDictionary<string, string> Dependencies,
    string? FilesHash = null, bool Direct = true)
{
    /// <summary><c>name@version</c>: what identifies the package in the lock file and its folder name.</summary>
    public string Key => $"{Name}@{Version}";
}

/// <summary>
/// <c>modules.lock.json</c>, committed beside the rules: every npm package an operator vetted, with the integrity its
/// registry published and its dependencies' exact versions. Dependencies resolve from this file only, never from a
/// registry at compile or login time. The packages themselves are unpacked in <c>modules/NAME@VERSION/</c> beside it.
/// </summary>
public sealed class ModulesLock
{
    /// <summary>The lock file's name, beside the rules.</summary>
    public const string FileName = "modules.lock.json";
    /// <summary>The folder beside the rules that holds the unpacked packages, one <c>NAME@VERSION</c> folder each.</summary>
    public const string FolderName = "modules";

    /// <summary>A lock file holding <paramref name="packages"/>, sorted by name and version so the written file is stable.</summary>
    /// <param name="packages">The vetted packages.</param>
    public ModulesLock(IEnumerable<LockedPackage> packages)
    {
        Packages = packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every vetted package, sorted by name, then version.</summary>
    public IReadOnlyList<LockedPackage> Packages { get; }

    /// <summary>A lock file with no packages.</summary>
    public static ModulesLock Empty { get; } = new([]);

    /// <summary>The lock in <paramref name="directory"/>, or null when there is none.</summary>
    public static ModulesLock? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not an object");
            var packages = new List<LockedPackage>();
            foreach (var (key, value) in root["packages"] as JsonObject ?? [])
            {
                var entry = value as JsonObject ?? throw new JsonException($"package '{key}' is not an object");
                var dependencies = (entry["dependencies"] as JsonObject ?? [])
                    .ToDictionary(d => d.Key, d => d.Value?.GetValue<string>() ?? throw new JsonException($"dependency '{d.Key}' of '{key}' has no version"), StringComparer.Ordinal);
                packages.Add(new LockedPackage(
                    entry["name"]?.GetValue<string>() ?? throw new JsonException($"package '{key}' has no name"),
                    entry["version"]?.GetValue<string>() ?? throw new JsonException($"package '{key}' has no version"),
                    entry["integrity"]?.GetValue<string>() ?? throw new JsonException($"package '{key}' has no integrity"),
                    entry["resolved"]?.GetValue<string>(),
                    dependencies,
                    entry["filesHash"]?.GetValue<string>(),
                    entry["direct"]?.GetValue<bool>() ?? true));
            }
            return new ModulesLock(packages);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new RuleSets.RuleSetException($"{path} cannot be read: {e.Message}");
        }
    }

    /// <summary>Writes <c>modules.lock.json</c> into <paramref name="directory"/> through a temporary file, so a reader never sees half a file.</summary>
    public void Write(string directory)
    {
        var packages = new JsonObject();
        foreach (var package in Packages)
        {
            var dependencies = new JsonObject();
            foreach (var (name, version) in package.Dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                dependencies[name] = version;
            }
            packages[package.Key] = new JsonObject
            {
                ["name"] = package.Name,
                ["version"] = package.Version,
                ["integrity"] = package.Integrity,
                ["resolved"] = package.Resolved,
                ["dependencies"] = dependencies,
                ["filesHash"] = package.FilesHash,
                ["direct"] = package.Direct,
            };
        }
        var root = new JsonObject { ["lockfileVersion"] = 1, ["packages"] = packages };
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A copy with <paramref name="package"/> added, replacing the entry for the same name and version.</summary>
    public ModulesLock With(LockedPackage package) => new(Packages.Where(p => p.Key != package.Key).Append(package));

    /// <summary>A copy without the package <paramref name="name"/> at <paramref name="version"/>, or at every version when <paramref name="version"/> is null.</summary>
    public ModulesLock Without(string name, string? version) =>
        new(Packages.Where(p => !(p.Name == name && (version is null || p.Version == version))));

    /// <summary>Without <paramref name="removed"/> and the dependencies (direct: false) no remaining package needs any more.</summary>
    public (ModulesLock Lock, IReadOnlyList<LockedPackage> Removed) Remove(IReadOnlyCollection<LockedPackage> removed)
    {
        var keep = Packages.Where(p => !removed.Contains(p)).ToList();
        var dropped = new List<LockedPackage>(removed);
        while (keep.FirstOrDefault(p => !p.Direct && !keep.Any(other => other.Dependencies.TryGetValue(p.Name, out var v) && v == p.Version)) is { } orphan)
        {
            keep.Remove(orphan);
            dropped.Add(orphan);
        }
        return (new ModulesLock(keep), dropped);
    }

    /// <summary>Packages in the lock that depend on one of <paramref name="removed"/> (which then cannot go).</summary>
    public IReadOnlyList<LockedPackage> DependentsOf(IReadOnlyCollection<LockedPackage> removed) =>
        Packages.Where(p => !removed.Contains(p) && removed.Any(r => p.Dependencies.TryGetValue(r.Name, out var v) && v == r.Version)).ToArray();

    /// <summary>Where a package's files are unpacked, relative to the rules directory.</summary>
    public static string PackageFolder(string directory, string name, string version) =>
        Path.Combine(directory, FolderName, $"{name}@{version}");
}
