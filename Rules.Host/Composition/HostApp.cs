using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Rules.Host.Audit;
using Rules.Host.Dashboard;
using Rules.Host.Errors;
using Rules.Host.GeoIp;
using Rules.Host.Hosting;
using Rules.Host.Impersonation;
using Rules.Host.Login;
using Rules.Host.LoginFinishing;
using Rules.Host.MultiFactor;
using Rules.Host.Management;
using Rules.Host.Risk;
using Rules.Host.OAuth;
using Rules.Host.Redirect;
using Rules.Host.RuleSets;
using Rules.Host.Samples;
using Rules.Host.Storage;
using Rules.Host.Tenant;

namespace Rules.Host.Composition;

/// <summary>
/// The composition root: builds the auth server from the list of features it is made of. It imports every feature;
/// no feature imports it (the shared helpers they use live in Hosting/ and Errors/, which import no feature). <c>rules serve</c> and the integration
/// tests (WebApplicationFactory) both come through here, so they run the same application.
/// </summary>
public static class HostApp
{
    public static WebApplication Build(string[] args)
    {
        // appsettings.json ships beside rules.dll; relative paths in settings (data, rules, seed) stay relative
        // to the directory the command was typed in.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        builder.Services.AddOptions<RulesHostOptions>().BindConfiguration(RulesHostOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<RulesHostOptions>>().Value is var options && options.Database is { Length: > 0 } store
            ? Database.Create(store)
            : new SqliteDatabase(options.DatabasePath));
        builder.Services.AddSingleton<RevisionWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RevisionWatcher>());
        builder.Services.AddHostedService<SqliteWalCheckpointer>();
        builder.Services.AddSingleton<TenantStore>();
        builder.Services.AddSingleton<RoleStore>();
        builder.Services.AddSingleton<TenantSeed>();
        builder.Services.AddSingleton<RulesMetrics>();
        builder.Services.AddSingleton<LastGoodRuleSet>();
        builder.Services.AddSingleton<RuleSetProvider>();
        // The engine's registration (options from Rules:Sandbox and Rules:Egress, the script cache); the provider is the
        // one RuleSetProvider wraps with the server's source, last-good store and metrics.
        builder.Services.AddRulesEngine(section: RulesHostOptions.Section).WithProvider(sp => sp.GetRequiredService<RuleSetProvider>().Pipelines);
        builder.Services.AddSingleton<RuleAuth0Globals>();
        builder.Services.AddSingleton<Modules.Auth0.RuleManagementCalls>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditCheckpoints>();
        builder.Services.AddHostedService<AuditCheckpointer>();
        builder.Services.AddSingleton<DecisionLog>();
        builder.Services.AddSingleton<LoginRecorder>();
        builder.Services.AddSingleton(sp => KeyEncryption.From(sp.GetRequiredService<IOptions<RulesHostOptions>>().Value));
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<IssuerUrls>();
        builder.Services.AddSingleton<JwtFactory>();
        builder.Services.AddOAuth();
        builder.Services.AddImpersonation();
        builder.Services.AddLogin();
        builder.Services.AddLoginFinishing();
        builder.Services.AddRedirects();
        builder.Services.AddMultifactor();
        builder.Services.AddManagement();
        builder.Services.AddDashboard();
        builder.Services.AddGeoIp(builder.Configuration);
        builder.Services.AddRisk();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetValue<long?>($"{RulesHostOptions.Section}:{nameof(RulesHostOptions.MaxRequestBodyBytes)}") ?? new RulesHostOptions().MaxRequestBodyBytes);

        var app = builder.Build();
        Initialize(app);

        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteUnhandledError });
        app.UseStatusCodePages();
        app.MapHealthEndpoints();
        app.MapOAuthEndpoints();
        app.MapImpersonationEndpoints();
        app.MapLoginEndpoints();
        app.MapRedirectEndpoints();
        app.MapSamplePages();
        app.MapMultifactorEndpoints();
        app.MapManagementEndpoints();
        app.MapDashboardEndpoints();
        return app;
    }

    /// <summary>
    /// The last line of defence: an exception no endpoint handled becomes Auth0's error JSON, with no stack trace
    /// or message from the exception (the middleware logs it). A body Kestrel refused keeps its own status (400/413).
    /// </summary>
    private static Task WriteUnhandledError(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var error = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => Auth0Error.PayloadTooLarge(context.RequestServices.GetRequiredService<IOptions<RulesHostOptions>>().Value.MaxRequestBodyBytes),
            BadHttpRequestException { StatusCode: >= 400 and < 500 } bad => new Auth0Error(bad.StatusCode, ReasonPhrases.GetReasonPhrase(bad.StatusCode),
                "The request could not be read", "invalid_request"),
            // The login's records are written in one transaction before anything is handed out, so a refused write
            // means nothing was issued: say so, and that trying again is safe.
            System.Data.Common.DbException => new Auth0Error(503, "Service Unavailable",
                "The server could not write to its database, so nothing was issued or changed. Try again shortly.", "database_unavailable"),
            _ => new Auth0Error(500, "Internal Server Error", "An unexpected error occurred; it has been logged.", "internal_error"),
        };
        context.Response.Headers.CacheControl = "no-store";
        if (error.StatusCode == 503)
        {
            context.Response.Headers.RetryAfter = "5";
        }
        var accept = context.Request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)
            ? HtmlPage.Message(context, error.Error, error.Message, error.StatusCode).ExecuteAsync(context)
            : error.ToResult().ExecuteAsync(context);
    }

    /// <summary>Creates or migrates the database, seeds an empty one, and makes the rule set live.</summary>
    private static void Initialize(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<RulesHostOptions>>().Value;
        var database = app.Services.GetRequiredService<Database>();
        database.Migrate();
        database.RefuseNewerSchema();
        ProtectKeysAtRest(app, database);
        app.Services.GetService<IGeoIpLookup>(); // opens Rules:GeoIp:Database now: a bad path fails the start, not logins
        app.Services.GetRequiredService<RiskAssessor>(); // parses Rules:Risk:UntrustedIps now, for the same reason

        // The signing key exists (created, or imported from a pre-store data directory) before the first request, and a
        // rotation made through another instance is picked up here.
        app.Services.GetRequiredService<RevisionWatcher>().Watch("signing_keys", () => app.Services.GetRequiredService<SigningKeys>().Refresh());
        app.Services.GetRequiredService<SigningKeys>();

        // The first Data Protection key (login-page CSRF tokens, Dashboard cookies) is made at start while holding the
        // store's start-up lock, so instances starting together on an empty store share one key instead of each making
        // its own and caching only that. Later keys are made days before they activate, and every instance re-reads the
        // key table daily (ASP.NET Core's web-farm schedule), so they reach every instance first.
        database.RunExclusively(() => app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("rules.start-up").Protect([1]));

        // Settings that can only be checked once bound fail the start, not the first login.
        app.Services.GetRequiredService<SuspiciousIpThrottle>();

        SeedEmptyStore(app, options);

        if (options.ImpersonationEnabled is { } enabled)
        {
            var store = app.Services.GetRequiredService<TenantStore>();
            store.SaveSettings(store.GetSettings() with { ImpersonationEnabled = enabled }, ChangeActor.Settings($"{RulesHostOptions.Section}:{nameof(RulesHostOptions.ImpersonationEnabled)}"));
        }

        var provider = app.Services.GetRequiredService<RuleSetProvider>();
        if (options.ImportFrom is { } importFrom)
        {
            var imported = RuleSetDatabaseImport.Import(importFrom, database, provider.Sandbox, app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
            // Keys only: configuration values are secrets.
            app.Logger.LogInformation("Imported {Rules} rules and the configuration keys [{Keys}] from {Path} into the database",
                imported.Rules.Count, string.Join(", ", imported.Configuration.Keys.Order(StringComparer.Ordinal)), importFrom);
        }

        provider.Start();
    }

    /// <summary>
    /// Seeds an empty store from --seed, or from the public sample tenant only when asked (--seed-samples): a production
    /// store, PostgreSQL included, must never receive the samples' published secrets because Rules.Samples happened
    /// to lie above the working directory.
    /// </summary>
    private static void SeedEmptyStore(WebApplication app, RulesHostOptions options)
    {
        var seed = app.Services.GetRequiredService<TenantSeed>();
        var seedFile = options.SeedFile;
        if (seedFile is null && options.SeedSamples)
        {
            seedFile = Cli.SamplePaths.FindSampleTenant() ?? throw new SettingsException(
                $"{RulesHostOptions.Section}:{nameof(RulesHostOptions.SeedSamples)} (--seed-samples) is on, but Rules.Samples/tenant.json "
                + "was not found above the working directory or the executable's; give a tenant file with --seed instead");
        }
        if (seedFile is null)
        {
            if (!seed.HasTenant())
            {
                app.Logger.LogWarning("The store is empty and was not seeded: no application can sign in yet. Seed it from your Deploy CLI "
                    + "export with --seed FILE (Rules:SeedFile), or, to try the server, from the public sample tenant with --seed-samples "
                    + "(Rules:SeedSamples=true; never on a store that serves real users: its secrets are published)");
            }
            return;
        }
        if (seed.SeedIfEmpty(seedFile))
        {
            app.Logger.LogInformation("Seeded the tenant from {SeedFile}", seedFile);
        }
    }

    /// <summary>
    /// Encrypts plaintext keys under the configured key-encryption key (and re-encrypts those under the previous one), or
    /// stops the start when the store's keys need a key that is not configured. Without a KEK it says so, loudly.
    /// </summary>
    private static void ProtectKeysAtRest(WebApplication app, Database database)
    {
        var encryption = app.Services.GetRequiredService<KeyEncryption>();
        var rewritten = KeysAtRest.Migrate(database, encryption);
        if (!encryption.IsConfigured)
        {
            app.Logger.LogWarning("Signing keys and Data Protection keys are stored UNENCRYPTED: set Rules:KeyEncryptionKey "
                + "(32 random bytes in base64, e.g. Rules__KeyEncryptionKey=$(openssl rand -base64 32)); see docs/operations.md, \"Keys at rest\"");
        }
        else if (rewritten > 0)
        {
            app.Logger.LogInformation("Encrypted {Count} stored keys under key-encryption key {KeyId}", rewritten, encryption.CurrentKeyId);
        }
    }

    private static void MapHealthEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapGet("/readyz", (RuleSetProvider rules, Database database, KeyEncryption keys) =>
        {
            try
            {
                using var connection = database.Open();
            }
            catch (Exception)
            {
                return Results.Json(new { status = "unavailable", reason = "the database cannot be opened" }, statusCode: 503);
            }

            // Ready while some version serves; "degraded" says the rules at the source do not compile (lastError has
            // file:line:col) and an older version is serving, or that keys are stored unencrypted (no key-encryption
            // key), so an operator sees it without reading the log. Logins are served either way.
            return rules.Current is { } pipeline
                ? Results.Ok(new
                {
                    status = rules.LastError is null && keys.IsConfigured ? "ready" : "degraded",
                    keys = keys.IsConfigured ? "encrypted" : "keys unencrypted: set Rules:KeyEncryptionKey",
                    ruleSetVersion = pipeline.Version,
                    rules = pipeline.RuleSet.Enabled.Select(r => r.Name),
                    source = rules.ServingLastGood ? "last good version (database)" : rules.Source,
                    lastError = rules.LastError,
                    runtimes = new { idle = pipeline.IdleRuntimes, created = pipeline.RuntimesCreated, poolBound = rules.Sandbox.MaxPooledRuntimes },
                })
                : Results.Json(new { status = "unavailable", reason = "no rule set compiles, and none ever went live: logins are denied", lastError = rules.LastError }, statusCode: 503);
        });
    }
}
