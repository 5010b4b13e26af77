using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rules.Engine.RuleSets;

namespace Rules.Host.RuleSets;

/// <summary>
/// Writes a rule set in our layout (ARCHITECTURE.md): one <c>.js</c> per rule, exactly as read, and a <c>rules.json</c>
/// holding order, names, enabled flags and configuration. Everything goes to a temporary sibling directory first and is
/// moved into place at the end, so a failure leaves nothing half-written.
/// </summary>
public static class RuleSetWriter
{
    /// <summary>Writes <paramref name="ruleSet"/> to <paramref name="target"/>, replacing it when <paramref name="replace"/> is set; returns the file written for each rule.</summary>
    public static IReadOnlyList<string> Write(RuleSet ruleSet, string target, bool replace)
    {
        var fullTarget = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var parent = Path.GetDirectoryName(fullTarget)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(fullTarget)}.import-{Guid.NewGuid():N}");
        var files = FileNames(ruleSet);

        Directory.CreateDirectory(staging);
        try
        {
            for (var i = 0; i < ruleSet.Rules.Count; i++)
            {
                File.WriteAllText(Path.Combine(staging, files[i]), ruleSet.Rules[i].Script, new UTF8Encoding(false));
            }
            File.WriteAllText(Path.Combine(staging, RuleSetDirectory.ManifestFileName), Manifest(ruleSet, files), new UTF8Encoding(false));
            CopyPackages(ruleSet, staging);
            MoveIntoPlace(staging, fullTarget, replace);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
        return files;
    }

    /// <summary>The vetted npm packages travel with the rules: modules.lock.json and the locked packages' folders.</summary>
    private static void CopyPackages(RuleSet ruleSet, string staging)
    {
        if (ruleSet.Packages is not { Directory: not null } packages)
        {
            return;
        }
        packages.Lock.Write(staging);
        foreach (var package in packages.Lock.Packages)
        {
            var from = Rules.Engine.Modules.ModulesLock.PackageFolder(packages.Directory!, package.Name, package.Version);
            var to = Rules.Engine.Modules.ModulesLock.PackageFolder(staging, package.Name, package.Version);
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }

    private static void MoveIntoPlace(string staging, string target, bool replace)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        if (!replace)
        {
            throw new IOException($"'{target}' already exists");
        }

        // Two renames, so the old set is only deleted once the new one is in place; a failure puts the old one back.
        var previous = target + $".replaced-{Guid.NewGuid():N}";
        Directory.Move(target, previous);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(previous, target);
            throw;
        }
        TryDelete(previous);
    }

    /// <summary>A file-system-friendly, unique name per rule, from the file it was read from (or its name).</summary>
    private static string[] FileNames(RuleSet ruleSet)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { RuleSetDirectory.ManifestFileName };
        var names = new string[ruleSet.Rules.Count];
        for (var i = 0; i < names.Length; i++)
        {
            var rule = ruleSet.Rules[i];
            var stem = Slug(rule.File.EndsWith(".js", StringComparison.OrdinalIgnoreCase) && !rule.File.Contains('#')
                ? Path.GetFileNameWithoutExtension(rule.File)
                : rule.Name);
            var name = stem + ".js";
            for (var n = 2; !used.Add(name); n++)
            {
                name = $"{stem}-{n}.js";
            }
            names[i] = name;
        }
        return names;
    }

    private static string Slug(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }
        var slug = string.Join('-', builder.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries)).Trim('.');
        return slug.Length == 0 ? "rule" : slug;
    }

    private static string Manifest(RuleSet ruleSet, string[] files)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("rules");
            for (var i = 0; i < files.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("file", files[i]);
                writer.WriteString("name", ruleSet.Rules[i].Name);
                writer.WriteBoolean("enabled", ruleSet.Rules[i].Enabled);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartObject("configuration");
            foreach (var (key, value) in ruleSet.Configuration.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover hidden staging directory is harmless, and the error that matters is already on its way.
        }
    }
}
