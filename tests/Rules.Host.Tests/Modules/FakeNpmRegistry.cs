using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Rules.Host.Tests.Modules;

/// <summary>
/// An npm registry on 127.0.0.1 serving packuments and tarballs packed in the test, as registry.npmjs.org shapes them.
/// A package can be published with a tampered tarball (integrity of other bytes) or with hostile tar entries.
/// </summary>
internal sealed class FakeNpmRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, JsonObject> _packuments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _tarballs = new(StringComparer.Ordinal);

    private FakeNpmRegistry(WebApplication app)
    {
        _app = app;
    }

    public string Address { get; private set; } = "";

    public List<string> Requests { get; } = [];

    public static async Task<FakeNpmRegistry> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var registry = new FakeNpmRegistry(app);
        app.Run(registry.HandleAsync);
        await app.StartAsync();
        registry.Address = app.Urls.First() + "/";
        return registry;
    }

    public FakeNpmRegistry Publish(string name, string version, IReadOnlyDictionary<string, string> files,
        IReadOnlyDictionary<string, string>? dependencies = null, JsonObject? scripts = null, bool tamper = false, IEnumerable<(string Entry, TarEntryType Type, string? Link)>? extraEntries = null)
    {
        var tarball = Pack(files, extraEntries);
        var integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tamper ? [.. tarball, 0] : tarball));
        var file = $"{name.Replace('/', '-')}-{version}.tgz";
        _tarballs[file] = tarball;
        var packument = _packuments.TryGetValue(name, out var existing) ? existing : _packuments[name] = new JsonObject { ["name"] = name, ["versions"] = new JsonObject() };
        var deps = new JsonObject();
        foreach (var (dep, range) in dependencies ?? new Dictionary<string, string>())
        {
            deps[dep] = range;
        }
        packument["versions"]![version] = new JsonObject
        {
            ["name"] = name,
            ["version"] = version,
            ["dependencies"] = deps,
            ["scripts"] = scripts ?? new JsonObject { ["test"] = "echo ok" },
            ["dist"] = new JsonObject { ["tarball"] = $"{Address}-/{file}", ["integrity"] = integrity },
        };
        return this;
    }

    private static byte[] Pack(IReadOnlyDictionary<string, string> files, IEnumerable<(string Entry, TarEntryType Type, string? Link)>? extraEntries)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            foreach (var (path, text) in files)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "package/" + path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            }
            foreach (var (entry, type, link) in extraEntries ?? [])
            {
                var tarEntry = new UstarTarEntry(type, entry);
                if (link is not null) tarEntry.LinkName = link;
                if (type == TarEntryType.RegularFile) tarEntry.DataStream = new MemoryStream("pwned"u8.ToArray());
                writer.WriteEntry(tarEntry);
            }
        }
        return buffer.ToArray();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = Uri.UnescapeDataString(context.Request.Path.Value!.TrimStart('/'));
        Requests.Add(path);
        if (path.StartsWith("-/", StringComparison.Ordinal) && _tarballs.TryGetValue(path[2..], out var tarball))
        {
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(tarball);
            return;
        }
        if (_packuments.TryGetValue(path, out var packument))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(packument.ToJsonString());
            return;
        }
        context.Response.StatusCode = 404;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
