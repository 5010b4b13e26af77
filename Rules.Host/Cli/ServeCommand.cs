using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Rules.Host.Composition;
using Rules.Host.Hosting;
using Rules.Host.RuleSets;
using Rules.Host.Storage;
using Rules.Host.Tenant;

namespace Rules.Host.Cli;

/// <summary><c>rules serve</c> (the default verb): the auth server on the embedded SQLite store, or on a shared PostgreSQL with --database.</summary>
public static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    /// <param name="ConfigurationArgs">Anything else on the command line, read as ASP.NET Core configuration (--Rules:ImpersonationEnabled=true).</param>
    public sealed record Parameters(string Urls, string DataDirectory, string? RulesDirectory, string? SeedFile, IReadOnlyList<string> ConfigurationArgs, string? ImportFrom = null, string? Database = null, bool SeedSamples = false);

    public const string Examples = """
        Examples:
          rules serve --seed-samples              try it: seed an empty store with the public sample tenant, on http://127.0.0.1:5000, data in ./data
          rules serve --urls http://127.0.0.1:8080 --data /var/lib/rules
          rules serve --database "Host=db;Database=rules;Username=rules;Password=…" --Rules:Issuer=https://login.example.com/
                                                  one of several instances behind a load balancer, sharing one PostgreSQL
          rules serve --rules ./rules             serve (and watch) a rules directory instead of the database's rules
          rules serve --rules ./tenant-export     the same with an Auth0 Deploy CLI export (directory or tenant.yaml)
          rules serve --import ./tenant-export    replace the database's rules and rules-configs with an export, then serve them
          rules serve --seed ./tenant.json        seed an empty database from your own Deploy CLI export
          rules serve --Rules:ImpersonationEnabled=true   any setting, as in appsettings.json
        """;

    public static Command Build(ServeOptions options, TextWriter output, TextWriter error)
    {
        var command = new Command("serve", "Run the auth server (the default verb). Other --Section:Key=value arguments are read as configuration.\n\n" + Examples);
        options.AddTo(command);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, token) => RunAsync(options.Read(result), output, error, token));
        return command;
    }

    public static async Task<int> RunAsync(Parameters parameters, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // Before the store is opened, created or seeded: a busy port must leave nothing behind.
        if (ListenAddresses.FirstInUse(parameters.Urls) is { } busy)
        {
            error.WriteLine(AddressInUse(busy));
            return ExitCodes.BadInput;
        }

        var args = new List<string>
        {
            $"--urls={parameters.Urls}",
            $"--{RulesHostOptions.Section}:{nameof(RulesHostOptions.DataDirectory)}={parameters.DataDirectory}",
        };
        // Named in errors as engine and location, never as the connection string (it holds the password).
        var store = $"SQLite {Path.GetFullPath(new RulesHostOptions { DataDirectory = parameters.DataDirectory }.DatabasePath)}";
        if (parameters.Database is not null)
        {
            try
            {
                using var named = Rules.Host.Storage.Database.Create(parameters.Database);
                store = named.ToString();
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"error: --database is not a valid connection string: {e.Message}");
                return ExitCodes.BadInput;
            }
            args.Add($"--{RulesHostOptions.Section}:{nameof(RulesHostOptions.Database)}={parameters.Database}");
        }
        if (parameters.ImportFrom is not null)
        {
            if (parameters.RulesDirectory is not null)
            {
                error.WriteLine("error: --import loads rules into the database and --rules serves a directory instead of it; use one of them");
                return ExitCodes.BadInput;
            }
            args.Add($"--{RulesHostOptions.Section}:{nameof(RulesHostOptions.ImportFrom)}={parameters.ImportFrom}");
        }
        if (parameters.RulesDirectory is not null)
        {
            args.Add($"--{RulesHostOptions.Section}:{nameof(RulesHostOptions.RulesDirectory)}={parameters.RulesDirectory}");
        }
        if (parameters.SeedFile is not null)
        {
            if (!File.Exists(parameters.SeedFile))
            {
                error.WriteLine($"error: seed file '{parameters.SeedFile}' does not exist");
                return ExitCodes.BadInput;
            }
            args.Add($"--{RulesHostOptions.Section}:{nameof(RulesHostOptions.SeedFile)}={parameters.SeedFile}");
        }
        if (parameters.SeedSamples)
        {
            // Only ever turned on here: off stays whatever the configuration says (dotnet run's profile sets it in the environment).
            args.Add($"--{RulesHostOptions.Section}:{nameof(RulesHostOptions.SeedSamples)}=true");
        }
        args.AddRange(parameters.ConfigurationArgs);

        WebApplication app;
        try
        {
            app = HostApp.Build([.. args]);
        }
        catch (TenantSeedException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (SettingsException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (SchemaTooNewException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (RuleSetImportException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (System.Data.Common.DbException e)
        {
            // Unreachable server, wrong password, missing database.
            error.WriteLine($"error: cannot open the store ({store}): {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException && e.Message.Contains("Sandbox option", StringComparison.Ordinal))
        {
            error.WriteLine($"error: {e.Message} (check Rules:Sandbox settings)");
            return ExitCodes.BadInput;
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            error.WriteLine(AddressInUse(parameters.Urls));
            return ExitCodes.BadInput;
        }

        PrintWelcome(app, parameters, output);
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    private static string AddressInUse(string url) =>
        $"error: cannot listen on {url}: the address is already in use (is another rules server running? choose another with --urls)";

    private static void PrintWelcome(WebApplication app, Parameters parameters, TextWriter output)
    {
        var options = app.Services.GetRequiredService<IOptions<RulesHostOptions>>().Value;
        var rules = app.Services.GetRequiredService<RuleSetProvider>();
        var tenant = app.Services.GetRequiredService<TenantStore>();
        var baseUrl = parameters.Urls.Split(';')[0].TrimEnd('/');
        var settings = tenant.GetSettings();

        output.WriteLine($"rules: listening on {parameters.Urls}");
        output.WriteLine($"rules: store {app.Services.GetRequiredService<Rules.Host.Storage.Database>()}");
        output.WriteLine(rules.Current is { } pipeline
            ? $"rules: rule set {pipeline.Version} from {rules.Source} ({pipeline.RuleSet.Enabled.Count} enabled)"
            : $"rules: NO RULE SET IS LIVE, logins are denied:\n{rules.LastError}");
        output.WriteLine($"rules: tenant '{settings.FriendlyName}', impersonation {(settings.ImpersonationEnabled ? "enabled" : "disabled")}");
        output.WriteLine(app.Services.GetRequiredService<Rules.Host.Storage.KeyEncryption>() is { IsConfigured: true } keys
            ? $"rules: keys at rest encrypted under key-encryption key {keys.CurrentKeyId}"
            : "rules: keys at rest UNENCRYPTED: set Rules__KeyEncryptionKey=$(openssl rand -base64 32) (docs/operations.md#keys-at-rest)");
        output.WriteLine($"rules: discovery {baseUrl}/.well-known/openid-configuration");
        output.WriteLine($"rules: dashboard {baseUrl}{Dashboard.DashboardRoutes.Root}");

        // Only the sample tenant's credentials are printed: they are public in Rules.Samples/tenant.json anyway.
        var sample = options.SeedSamples ? Cli.SamplePaths.FindSampleTenant() : null;
        if (options.SeedFile is null && sample is not null)
        {
            output.WriteLine("rules: sample tenant credentials (from Rules.Samples/tenant.json):");
            foreach (var client in tenant.ListClients())
            {
                output.WriteLine(client.IsPublic
                    ? $"         {client.Name,-22} client_id={client.ClientId}  (public client: no secret, PKCE)"
                    : $"         {client.Name,-22} client_id={client.ClientId}  client_secret={client.ClientSecret}");
            }
            var operatorEmail = app.Services.GetRequiredService<Dashboard.OperatorDirectory>().Operators().FirstOrDefault(o => o.Contains('@'));
            if (operatorEmail is not null && SamplePassword(sample, operatorEmail) is { } operatorPassword)
            {
                output.WriteLine($"rules: dashboard sign-in (sample operator): {operatorEmail} / {operatorPassword}");
            }
            output.WriteLine($"rules: walk-through: README.md, \"Sign in as User\" and \"Sign in as yourself\"");
            output.WriteLine($"rules: a regular login, in a browser: {baseUrl}/authorize?client_id=kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA"
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&response_type=code&scope=openid%20profile%20email&state=try-me"
                + $"  (jordan.lee@gmail.com / {SamplePassword(sample, "jordan.lee@gmail.com")})");
        }
    }

    /// <summary>A sample user's password as the sample tenant file spells it (public there; never read from the store, which keeps only hashes).</summary>
    private static string? SamplePassword(string sampleTenant, string email)
    {
        var users = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(sampleTenant))?["users"] as System.Text.Json.Nodes.JsonArray;
        var user = users?.FirstOrDefault(u => string.Equals(u?["email"]?.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase));
        return user?["password"]?.GetValue<string>();
    }
}
