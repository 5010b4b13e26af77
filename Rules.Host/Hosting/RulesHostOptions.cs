using Rules.Engine.Sandbox;

namespace Rules.Host.Hosting;

/// <summary>
/// The server's settings, bound from the "Rules" configuration section: appsettings.json,
/// environment variables (Rules__DataDirectory) or the command line (--data, --rules, --seed, --seed-samples map here).
/// </summary>
public sealed class RulesHostOptions
{
    public const string Section = "Rules";

    /// <summary>Where the embedded SQLite database lives when <see cref="Database"/> is not set.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The store's connection string: PostgreSQL (<c>Host=…;Database=…;Username=…;Password=…</c> or a <c>postgres://</c>
    /// URL), shared by every instance behind a load balancer; or a SQLite file. Default: data/rules.db.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>A rules directory to serve and watch; when unset, rules come from the database (Management API).</summary>
    public string? RulesDirectory { get; set; }

    /// <summary>
    /// A rule set (Deploy CLI export or our layout) that replaces the database's rules and rules-configs at start, as
    /// <c>a0deploy import</c> would; the Management API manages them from then on. Refused when it does not compile.
    /// </summary>
    public string? ImportFrom { get; set; }

    /// <summary>The tenant seed loaded into an empty database (Deploy CLI export shape); default: none.</summary>
    public string? SeedFile { get; set; }

    /// <summary>
    /// Seeds an empty database from the sample tenant (Rules.Samples/tenant.json, found above the working directory or
    /// the executable) when no <see cref="SeedFile"/> is given. Off by default, because the samples' secrets and
    /// passwords are public; <c>dotnet run --project Rules.Host</c> turns it on (Properties/launchSettings.json).
    /// </summary>
    public bool SeedSamples { get; set; }

    /// <summary>Overrides the seed's impersonation switch when set (Rules__ImpersonationEnabled=true).</summary>
    public bool? ImpersonationEnabled { get; set; }

    /// <summary>The issuer in tokens and discovery; default: the first URL the server listens on.</summary>
    public string? Issuer { get; set; }

    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a login a rule redirected waits for the browser to come back to /continue.</summary>
    public TimeSpan PendingLoginLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan ManagementTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Largest request body the API accepts; bigger ones get 413 before they are read.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>The rules' sandbox limits (Rules:Sandbox:TimeBudget=00:00:10, Rules:Sandbox:MaxStatements=...); defaults are safe.</summary>
    public SandboxOptions Sandbox { get; set; } = new();

    /// <summary>What rules may call over the network besides each rule set's own "egress" list (Rules:Egress:Allow:0=api.example.com), and whether decision records keep response bodies (Rules:Egress:RecordResponses).</summary>
    public Rules.Engine.Http.EgressOptions Egress { get; set; } = new();

    /// <summary>The npm registry POST /api/v2/modules downloads packages from (Rules:ModulesRegistry); null: the public one.</summary>
    public string? ModulesRegistry { get; set; }

    /// <summary>The hosted login page: brute-force protection and SSO session lifetimes.</summary>
    public LoginOptions Login { get; set; } = new();

    /// <summary>
    /// The key-encryption key for the signing and Data Protection keys in the store: 32 random bytes in base64
    /// (<c>openssl rand -base64 32</c>), here or in the environment (Rules__KeyEncryptionKey). Without one, keys are
    /// stored unencrypted and /readyz says "degraded". See docs/operations.md, "Keys at rest".
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>A file holding the key-encryption key (a mounted secret), instead of <see cref="KeyEncryptionKey"/>.</summary>
    public string? KeyEncryptionKeyFile { get; set; }

    /// <summary>During a rotation, the key-encryption key the store was encrypted with; its values are re-encrypted at start.</summary>
    public string? PreviousKeyEncryptionKey { get; set; }

    public string DatabasePath => Path.Combine(DataDirectory, "rules.db");

    /// <summary>How often the audit chain's head is signed (a checkpoint) when it has moved; zero or less: only on demand.</summary>
    public TimeSpan AuditCheckpointInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often an instance checks the store for rule and signing-key changes made by another instance.</summary>
    public TimeSpan SharedStatePollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
