using System.Security.Cryptography;
using System.Text;

namespace Rules.Engine.Modules;

/// <summary>
/// The files of a package a rule can load (.js, .cjs, .json: path relative to the package root → text) and their hash,
/// <c>sha256-</c> + base64 over each path and its text's SHA-256 in ordinal path order. <c>rules modules add</c> records
/// it in the lock; a rule set checks it every time it loads the package, from a folder or from the database, so a
/// vendored package changed after it was vetted fails the compile instead of running.
/// </summary>
public static class PackageFiles
{
    /// <summary>The extensions of the files a rule can load from a package; only these are hashed and stored.</summary>
    public static readonly IReadOnlyList<string> SourceExtensions = [".js", ".cjs", ".json"];

    /// <summary>True when <paramref name="path"/> has one of the <see cref="SourceExtensions"/>.</summary>
    public static bool IsSource(string path) => SourceExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>The source files under <paramref name="root"/>.</summary>
    public static Dictionary<string, string> Read(string root)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (IsSource(file))
            {
                files[Path.GetRelativePath(root, file).Replace('\\', '/')] = File.ReadAllText(file);
            }
        }
        return files;
    }

    /// <summary>The files' hash as the lock records it (<c>sha256-</c> + base64), independent of enumeration order.</summary>
    public static string Hash(IReadOnlyDictionary<string, string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path));
            hash.AppendData([0]);
            hash.AppendData(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        }
        return "sha256-" + Convert.ToBase64String(hash.GetHashAndReset());
    }
}
