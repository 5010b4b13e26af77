using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Rules.Host.Tests.Http;

/// <summary>
/// The real server in-process, on a fresh temporary data directory seeded from the sample tenant, so tests
/// never share data. Extra settings (e.g. Rules:ImpersonationEnabled) come through <see cref="Settings"/>.
/// With RULES_TEST_STORE=postgres (on demand, not in CI) every in-process server runs on a private PostgreSQL schema
/// instead, seeded at start: the whole host suite as a check of the PostgreSQL store, minus the tests that reach into
/// SQLite itself (triggers that refuse writes, file snapshots, kill -9 integrity checks).
/// </summary>
public sealed class RulesHostFactory : WebApplicationFactory<Program>
{
    private readonly Storage.TestStore? _store;

    public RulesHostFactory(IDictionary<string, string?>? settings = null)
    {
        if (Environment.GetEnvironmentVariable("RULES_TEST_STORE") == Storage.TestStore.Postgres)
        {
            _store = Storage.TestStore.Create(Storage.TestStore.Postgres);
            settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Rules:Database"] = _store.ConnectionString };
        }
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
        _store?.Dispose();
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
