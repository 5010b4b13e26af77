using Rules.Engine.Modules;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests.Modules;

/// <summary>A rules directory in a temporary folder with npm packages "installed" as files and a lock, as `rules modules add` leaves them.</summary>
internal sealed class TempPackages : IDisposable
{
    private readonly List<LockedPackage> _locked = [];

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "rules-modules-" + Guid.NewGuid().ToString("n"));

    public TempPackages()
    {
        System.IO.Directory.CreateDirectory(Directory);
    }

    public TempPackages Add(string name, string version, IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, string>? dependencies = null)
    {
        var root = ModulesLock.PackageFolder(Directory, name, version);
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        _locked.Add(new LockedPackage(name, version, "sha512-test-" + name + version, null, dependencies ?? new Dictionary<string, string>(), PackageFiles.Hash(PackageFiles.Read(root))));
        new ModulesLock(_locked).Write(Directory);
        return this;
    }

    public RuleSet RuleSet(params string[] scripts) =>
        new RuleSet(scripts.Select((s, i) => new RuleSource($"rule{i + 1}", $"rule{i + 1}.js", s))).WithPackages(PackageSet.Open(Directory));

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
