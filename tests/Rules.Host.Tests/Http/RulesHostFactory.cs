using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Rules.Host.Tests.Http;

/// <summary>
/// The real server in-process, on a fresh temporary data directory seeded from the sample tenant, so tests
/// never share data. Extra settings (e.g. Rules:ImpersonationEnabled) come through <see cref="Settings"/>.
/// </summary>
public sealed class RulesHostFactory : WebApplicationFactory<Program>
{
    public RulesHostFactory(IDictionary<string, string?>? settings = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "rules-host-tests", Guid.NewGuid().ToString("N"));
        Settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Rules:DataDirectory"] = DataDirectory,
        };
        Settings.TryAdd("Rules:SeedFile", Path.Combine(RepositoryRoot, "Rules.Samples", "tenant.json"));
    }

    public string DataDirectory { get; }

    public Dictionary<string, string?> Settings { get; }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on some systems; the temp folder is reclaimed anyway.
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Rules.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Rules.sln not found above " + AppContext.BaseDirectory);
    }
}
