using System.Data;
using System.Text.Json.Nodes;
using Dapper;
using Rules.Engine.Modules;
using Rules.Host.Storage;

namespace Rules.Host.Modules;

/// <summary>
/// The npm packages of the rule set kept in the database (table <c>rule_packages</c>): the lock's entries and each
/// package's source files, so every instance of a scaled-out deployment runs the same code. Read with the rules, in
/// the same snapshot; the files are checked against their hash when the set compiles (<see cref="PackageSet"/>).
/// </summary>
public static class StoredPackages
{
    public const string Where = "the database (rule_packages)";

    /// <summary>The stored packages as a package set, or null when there are none (the set's version then stays as it was).</summary>
    public static PackageSet? Read(IDbConnection connection, IDbTransaction transaction)
    {
        var rows = connection.Query<Row>("SELECT * FROM rule_packages ORDER BY name, version", transaction: transaction).ToArray();
        if (rows.Length == 0)
        {
            return null;
        }
        var files = rows.ToDictionary(r => $"{r.name}@{r.version}", r => (IReadOnlyDictionary<string, string>)ReadFiles(r.files), StringComparer.Ordinal);
        return PackageSet.FromStore(new ModulesLock(rows.Select(r => r.ToLocked())), package => files.GetValueOrDefault(package.Key), Where);
    }

    /// <summary>Makes the table hold exactly <paramref name="packages"/> (their files from <paramref name="files"/>, by key).</summary>
    public static void Replace(IDbConnection connection, IDbTransaction transaction, ModulesLock packages,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> files, DateTimeOffset now)
    {
        connection.Execute("DELETE FROM rule_packages", transaction: transaction);
        foreach (var package in packages.Packages)
        {
            var dependencies = new JsonObject();
            foreach (var (name, version) in package.Dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                dependencies[name] = version;
            }
            var text = new JsonObject();
            foreach (var (path, content) in files[package.Key].OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                text[path] = content;
            }
            connection.Execute("""
                INSERT INTO rule_packages(name, version, integrity, resolved, dependencies, direct, files_hash, files, added_at)
                VALUES (@Name, @Version, @Integrity, @Resolved, @dependencies, @direct, @filesHash, @files, @now)
                """, new
            {
                package.Name, package.Version, package.Integrity, package.Resolved,
                dependencies = JsonColumns.Write(dependencies),
                direct = package.Direct ? 1 : 0,
                filesHash = package.FilesHash ?? PackageFiles.Hash(files[package.Key]),
                files = JsonColumns.Write(text),
                now = JsonColumns.Timestamp(now),
            }, transaction);
        }
    }

    /// <summary>Writes the stored packages as a rules directory holds them (modules.lock.json and modules/), for <c>rules modules add</c>'s installer.</summary>
    public static void Materialize(PackageSet? packages, string directory)
    {
        if (packages is null)
        {
            return;
        }
        packages.Lock.Write(directory);
        foreach (var package in packages.Lock.Packages)
        {
            var root = ModulesLock.PackageFolder(directory, package.Name, package.Version);
            foreach (var (path, text) in packages.Find(package.Name, package.Version)!.Files)
            {
                var full = Path.Combine(root, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, text);
            }
        }
    }

    private static Dictionary<string, string> ReadFiles(string json) =>
        JsonColumns.ReadObject(json).ToDictionary(f => f.Key, f => f.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);

    // Dapper maps by column name; the storage shape only.
    private sealed record Row(string name, string version, string integrity, string? resolved, string dependencies, long direct, string files_hash, string files, string added_at)
    {
        public LockedPackage ToLocked() => new(name, version, integrity, resolved,
            JsonColumns.ReadObject(dependencies).ToDictionary(d => d.Key, d => d.Value?.GetValue<string>() ?? "", StringComparer.Ordinal),
            files_hash, direct != 0);
    }
}
