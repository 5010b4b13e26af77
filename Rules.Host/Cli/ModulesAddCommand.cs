using System.CommandLine;
using Rules.Engine.Modules;
using Rules.Host.Modules;

namespace Rules.Host.Cli;

/// <summary>
/// <c>rules modules add NAME@VERSION [--rules DIR] [--registry URL]</c>: vets an npm package (and its dependencies)
/// into the rule set: downloaded from the registry, sha512-checked against the registry's integrity, refused if it
/// runs install scripts or ships a native addon or a tarball entry outside its folder; unpacked under
/// <c>DIR/modules/</c> and recorded in <c>DIR/modules.lock.json</c>. Rules then <c>require</c> it.
/// </summary>
public static class ModulesAddCommand
{
    public sealed record Parameters(string Package, string RulesDirectory, string Registry);

    public const string Examples = """
        Examples:
          rules modules add lodash@4.17.21                          into ./modules, recorded in ./modules.lock.json
          rules modules add uuid-validate@0.0.3 --rules ./rules
          rules modules add lodash@4.17.21 --registry https://npm.example.internal/

        An exact version is required: what runs must be what you reviewed. Commit modules.lock.json and modules/ with the rules.
        Exit codes: 0 added, 1 refused (integrity, install scripts, native addon, bad tarball; nothing is kept), 2 bad input.
        """;

    public static async Task<int> RunAsync(Parameters parameters, TextWriter output, TextWriter error, HttpMessageHandler? handler = null, CancellationToken cancellation = default)
    {
        var at = parameters.Package.LastIndexOf('@');
        if (at <= 0 || at == parameters.Package.Length - 1)
        {
            error.WriteLine($"error: '{parameters.Package}' names no version; give one exactly, such as {parameters.Package.TrimEnd('@')}@1.2.3");
            return ExitCodes.BadInput;
        }
        if (!Directory.Exists(parameters.RulesDirectory))
        {
            error.WriteLine($"error: rules directory '{parameters.RulesDirectory}' does not exist");
            return ExitCodes.BadInput;
        }
        if (!Uri.TryCreate(parameters.Registry.EndsWith('/') ? parameters.Registry : parameters.Registry + "/", UriKind.Absolute, out var registry)
            || registry.Scheme is not ("https" or "http"))
        {
            error.WriteLine($"error: --registry '{parameters.Registry}' is not an http(s) address");
            return ExitCodes.BadInput;
        }

        var (name, version) = (parameters.Package[..at], parameters.Package[(at + 1)..]);
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(60);
        output.WriteLine($"adding {name}@{version} from {registry}");
        try
        {
            var @lock = await new PackageInstaller(new NpmRegistry(http, registry), parameters.RulesDirectory, output).AddAsync(name, version, cancellation);
            output.WriteLine($"added {name}@{version}; {ModulesLock.FileName} lists {@lock.Packages.Count} package(s). Rules can now require('{name}').");
            return ExitCodes.Ok;
        }
        catch (PackageRefusedException e)
        {
            error.WriteLine($"refused: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            error.WriteLine($"error: {name}@{version} could not be added: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    public static Command Build(TextWriter output, TextWriter error)
    {
        var package = new Argument<string>("NAME@VERSION") { Description = "The package and its exact version" };
        var rules = new Option<string>("--rules") { Description = "The rules directory (modules/ and modules.lock.json go beside the rules)", DefaultValueFactory = _ => "." };
        var registry = new Option<string>("--registry")
        {
            Description = "The npm registry to download from",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RULES_NPM_REGISTRY") is { Length: > 0 } configured ? configured : NpmRegistry.PublicRegistry,
        };
        var command = new Command("add", "Vet an npm package into the rule set.\n\n" + Examples) { package, rules, registry };
        command.SetAction((result, token) => RunAsync(new Parameters(result.GetValue(package)!, result.GetValue(rules)!, result.GetValue(registry)!), output, error, cancellation: token));
        return command;
    }
}
