using System.Text.Json.Nodes;

namespace Rules.Host.Modules;

/// <summary>What an npm registry says about one published version.</summary>
internal sealed record PublishedVersion(string Name, string Version, string Tarball, string Integrity, IReadOnlyDictionary<string, string> Dependencies, IReadOnlyList<string> InstallScripts, bool HasNativeBuild);

/// <summary>
/// Reads package metadata and tarballs from an npm registry (the public one unless the operator names another).
/// Only <c>rules modules add</c> talks to it; compiling and running rules never does.
/// </summary>
internal sealed class NpmRegistry(HttpClient http, Uri registry)
{
    public const string PublicRegistry = "https://registry.npmjs.org/";

    private static readonly string[] InstallScriptNames = ["preinstall", "install", "postinstall"];

    private readonly Dictionary<string, JsonObject> _packuments = new(StringComparer.Ordinal);

    public Uri Address => registry;

    /// <summary>Every version the registry lists for <paramref name="name"/>.</summary>
    public async Task<IReadOnlyList<string>> VersionsAsync(string name, CancellationToken cancellation) =>
        ((await PackumentAsync(name, cancellation))["versions"] as JsonObject ?? []).Select(p => p.Key).ToArray();

    public async Task<PublishedVersion> VersionAsync(string name, string version, CancellationToken cancellation)
    {
        var packument = await PackumentAsync(name, cancellation);
        if ((packument["versions"] as JsonObject)?[version] is not JsonObject meta)
        {
            throw new PackageRefusedException($"{name}@{version} is not published on {registry}");
        }
        var dist = meta["dist"] as JsonObject ?? throw new PackageRefusedException($"{name}@{version}: the registry gives no dist (tarball) for it");
        var scripts = (meta["scripts"] as JsonObject ?? []).Where(s => InstallScriptNames.Contains(s.Key)).Select(s => s.Key).ToArray();
        var dependencies = (meta["dependencies"] as JsonObject ?? []).ToDictionary(d => d.Key, d => d.Value?.ToString() ?? "*", StringComparer.Ordinal);
        return new PublishedVersion(name, version,
            dist["tarball"]?.GetValue<string>() ?? throw new PackageRefusedException($"{name}@{version}: the registry gives no tarball address"),
            dist["integrity"]?.GetValue<string>() ?? "",
            dependencies, scripts, meta["gypfile"]?.GetValue<bool>() == true);
    }

    public async Task<byte[]> DownloadAsync(PublishedVersion version, CancellationToken cancellation)
    {
        using var response = await http.GetAsync(new Uri(registry, version.Tarball), cancellation);
        if (!response.IsSuccessStatusCode)
        {
            throw new PackageRefusedException($"{version.Name}@{version.Version}: downloading {version.Tarball} answered {(int)response.StatusCode}");
        }
        return await response.Content.ReadAsByteArrayAsync(cancellation);
    }

    private async Task<JsonObject> PackumentAsync(string name, CancellationToken cancellation)
    {
        if (_packuments.TryGetValue(name, out var cached))
        {
            return cached;
        }
        // Scoped names keep their @ and encode the slash, as npm's client asks for them.
        using var response = await http.GetAsync(new Uri(registry, name.Replace("/", "%2f")), cancellation);
        if (!response.IsSuccessStatusCode)
        {
            throw new PackageRefusedException($"{name}: {registry} answered {(int)response.StatusCode}{(response.StatusCode == System.Net.HttpStatusCode.NotFound ? " (no such package)" : "")}");
        }
        var packument = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellation)) as JsonObject
            ?? throw new PackageRefusedException($"{name}: the registry's answer is not a JSON object");
        _packuments[name] = packument;
        return packument;
    }
}
