using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Rules.Host.Modules;

/// <summary>
/// An npm package tarball, checked before a byte of it lands on disk: its sha512 must equal the integrity the registry
/// published, and it must hold no native addon (binding.gyp, *.node), no link, and no entry outside its own folder.
/// Extraction writes regular files only, under a size and entry budget.
/// </summary>
internal static class PackageTarball
{
    public const long MaxUnpackedBytes = 64L * 1024 * 1024;
    public const int MaxEntries = 20_000;

    /// <summary>Throws <see cref="PackageRefusedException"/> unless <paramref name="tarball"/> hashes to the sha512 in <paramref name="integrity"/> (SRI).</summary>
    public static void VerifyIntegrity(byte[] tarball, string integrity, string package)
    {
        var expected = integrity.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(i => i.StartsWith("sha512-", StringComparison.Ordinal))
            ?? throw new PackageRefusedException($"{package}: the registry publishes no sha512 integrity for it ('{integrity}'); refusing to install what cannot be verified");
        byte[] wanted;
        try
        {
            wanted = Convert.FromBase64String(expected["sha512-".Length..]);
        }
        catch (FormatException)
        {
            throw new PackageRefusedException($"{package}: the registry's integrity '{expected}' is not valid base64");
        }
        if (!CryptographicOperations.FixedTimeEquals(SHA512.HashData(tarball), wanted))
        {
            throw new PackageRefusedException($"{package}: the tarball's sha512 does not match the registry's integrity {expected}; it was changed after publication or in transit");
        }
    }

    /// <summary>Unpacks into <paramref name="destination"/> (which must not exist yet), stripping npm's top folder (<c>package/</c>).</summary>
    public static void Extract(byte[] tarball, string destination, string package)
    {
        var root = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(root);
        long total = 0;
        var count = 0;
        using var gzip = new GZipStream(new MemoryStream(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (++count > MaxEntries)
            {
                throw new PackageRefusedException($"{package}: more than {MaxEntries} entries in the tarball");
            }
            var name = entry.Name.Replace('\\', '/');
            if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
            {
                throw new PackageRefusedException($"{package}: the tarball holds a link ('{name}' -> '{entry.LinkName}'); packages are installed as plain files only");
            }
            if (entry.EntryType is TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes)
            {
                continue;
            }
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                throw new PackageRefusedException($"{package}: the tarball holds '{name}', which is not a regular file");
            }

            var slash = name.IndexOf('/');
            var relative = slash < 0 ? name : name[(slash + 1)..];
            var target = Path.GetFullPath(Path.Combine(root, relative));
            if (name.StartsWith('/') || Path.IsPathRooted(relative) || relative.Split('/').Contains("..") || !target.StartsWith(root, StringComparison.Ordinal))
            {
                throw new PackageRefusedException($"{package}: the tarball entry '{name}' points outside the package folder");
            }
            var fileName = Path.GetFileName(relative);
            if (fileName == "binding.gyp" || fileName.EndsWith(".node", StringComparison.OrdinalIgnoreCase))
            {
                throw new PackageRefusedException($"{package}: it ships a native addon ('{relative}'); only pure-JavaScript packages run in the rule sandbox");
            }

            total += entry.Length;
            if (total > MaxUnpackedBytes)
            {
                throw new PackageRefusedException($"{package}: more than {MaxUnpackedBytes / (1024 * 1024)} MiB unpacked");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var file = File.Create(target);
            entry.DataStream?.CopyTo(file);
        }
    }
}

/// <summary>A package that must not be installed; the message says which and why.</summary>
internal sealed class PackageRefusedException(string message) : Exception(message);
