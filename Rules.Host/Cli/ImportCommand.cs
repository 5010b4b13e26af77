using System.CommandLine;
using Rules.Engine.Compilation;
using Rules.Engine.RuleSets;
using Rules.Host.RuleSets;

namespace Rules.Host.Cli;

/// <summary>
/// <c>rules import EXPORT --to RULES_DIR [--force]</c>: converts what Auth0's Deploy CLI exported (directory or
/// tenant.yaml) into our layout, rules.json + one .js per rule. The set must compile first; the target is written
/// through a temporary directory, so it is either complete or untouched. Configuration values are never printed.
/// With <c>--add-modules</c>, the npm packages the rules require and the export has not vetted are vetted into the
/// export (as <c>rules modules add</c> would, from <c>--registry</c>) before it is imported.
/// </summary>
public static partial class ImportCommand
{
    public sealed record Parameters(string Source, string Target, bool Force = false, bool AddModules = false, string Registry = Modules.NpmRegistry.PublicRegistry);

    public const string Examples = """
        Examples:
          rules import ./tenant-export --to ./rules            a0deploy export --format directory
          rules import ./tenant-export/tenant.yaml --to ./rules a0deploy export --format yaml
          rules import ./tenant-export --to ./rules --force    replace an existing rules directory
          rules import ./tenant-export --to ./rules --add-modules   vet the npm packages the rules require first

        Auth0's order and enabled flags carry over; rules of stages other than login_success are left out (warned).
        rules-configs values are required: a0deploy cannot export them, so fill them in before importing.
        The export can also be served as it is (rules serve --rules DIR) or loaded into the database (rules serve --import DIR).
        --add-modules vets each package a rule requires (require('lodash@4.17.19') at that version, require('lodash') at
        the registry's newest release) into the export's modules/ and modules.lock.json, refusing as `rules modules add` does.
        Exit codes: 0 imported, 1 the rules do not compile or a package is refused (nothing written), 2 bad input.
        """;

    public static int Run(Parameters parameters, TextWriter output, TextWriter error) =>
        RunAsync(parameters, output, error).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(Parameters parameters, TextWriter output, TextWriter error, HttpMessageHandler? handler = null, CancellationToken cancellation = default)
    {
        RuleSet ruleSet;
        RuleSetLayout layout;
        try
        {
            layout = RuleSetDirectory.DetectLayout(parameters.Source);
            ruleSet = RuleSetDirectory.Load(parameters.Source);
        }
        catch (RuleSetException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }

        if (Validate(parameters) is { } problem)
        {
            error.WriteLine($"error: {problem}");
            return ExitCodes.BadInput;
        }

        foreach (var warning in ruleSet.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        var compilation = RuleCompiler.Compile(ruleSet, RuleSetLoading.WithHostModules);
        if (!compilation.Succeeded && parameters.AddModules && NeededPackages(compilation) is { Length: > 0 } toVet)
        {
            var added = await AddModulesAsync(parameters, toVet, output, error, handler, cancellation);
            if (added != ExitCodes.Ok)
            {
                return added;
            }
            try
            {
                ruleSet = RuleSetDirectory.Load(parameters.Source);
            }
            catch (RuleSetException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            compilation = RuleCompiler.Compile(ruleSet, RuleSetLoading.WithHostModules);
        }
        if (!compilation.Succeeded)
        {
            RuleSetLoading.WriteErrors(compilation, error);
            error.WriteLine($"{compilation.Errors.Count} error(s) in {ruleSet.Rules.Count} rule(s); nothing was written to '{parameters.Target}'");
            var needed = NeededPackages(compilation);
            if (needed.Length > 0 && !parameters.AddModules)
            {
                // The lock and packages beside the export are imported with it, so vetting them there is the one step left.
                var exportDirectory = File.Exists(parameters.Source) ? Path.GetDirectoryName(Path.GetFullPath(parameters.Source))! : parameters.Source;
                error.WriteLine($"the rules need npm packages that are not vetted yet: {string.Join(", ", needed)}");
                foreach (var package in needed)
                {
                    error.WriteLine($"  rules modules add {package} --rules {exportDirectory}");
                }
                error.WriteLine("then import again: modules.lock.json and modules/ are imported with the rules (or pass --add-modules)");
            }
            return ExitCodes.Failed;
        }

        IReadOnlyList<string> files;
        try
        {
            files = RuleSetWriter.Write(ruleSet, parameters.Target, parameters.Force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot write '{parameters.Target}': {e.Message}");
            return ExitCodes.BadInput;
        }

        output.WriteLine($"read {Describe(layout)} '{parameters.Source}'");
        var compiled = compilation.Compiled!.Rules;
        for (var i = 0; i < compiled.Count; i++)
        {
            var kind = compiled[i].Kind == RuleKind.Action ? "action" : "rule";
            output.WriteLine($"  {kind,-6} {compiled[i].Name} -> {files[i]}{(compiled[i].Source.Enabled ? "" : " [disabled]")}");
        }
        foreach (var (key, value) in ruleSet.Configuration.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // Configuration holds API keys and passwords: only the key and the value's length are shown, never the value.
            output.WriteLine($"  config {key} = (hidden, {value.Length} characters)");
        }
        output.WriteLine($"imported {ruleSet.Rules.Count} rule(s) and {ruleSet.Configuration.Count} configuration key(s) into '{parameters.Target}' (rule set version {ruleSet.Version})");
        output.WriteLine($"next: rules check {parameters.Target}");
        return ExitCodes.Ok;
    }

    private static string[] NeededPackages(RuleSetCompilation compilation) =>
        compilation.Errors.Select(e => NeededPackage().Match(e.Message)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToArray();

    /// <summary>
    /// Vets each needed package into the export, as the listed <c>rules modules add</c> commands would: a pinned
    /// version as pinned, a bare name (<c>NAME@VERSION</c> in the hint) at the registry's newest release.
    /// </summary>
    private static async Task<int> AddModulesAsync(Parameters parameters, IReadOnlyList<string> needed, TextWriter output, TextWriter error,
        HttpMessageHandler? handler, CancellationToken cancellation)
    {
        var exportDirectory = File.Exists(parameters.Source) ? Path.GetDirectoryName(Path.GetFullPath(parameters.Source))! : parameters.Source;
        if (!Uri.TryCreate(parameters.Registry.TrimEnd('/') + "/", UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http"))
        {
            error.WriteLine($"error: --registry '{parameters.Registry}' is not an http(s) address");
            return ExitCodes.BadInput;
        }
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(60);
        var registry = new Modules.NpmRegistry(http, address);
        foreach (var package in needed)
        {
            var at = package.LastIndexOf('@');
            var (name, version) = (package[..at], package[(at + 1)..]);
            try
            {
                if (version == "VERSION")
                {
                    version = Modules.SemverRange.MaxSatisfying(await registry.VersionsAsync(name, cancellation), "*")
                        ?? throw new Modules.PackageRefusedException($"{name}: the registry has no release of it");
                }
                output.WriteLine($"vetting {name}@{version} from {address} into {exportDirectory}");
                await new Modules.PackageInstaller(registry, exportDirectory, output).AddAsync(name, version, cancellation);
            }
            catch (Modules.PackageRefusedException e)
            {
                error.WriteLine($"refused: {e.Message}; nothing was written to '{parameters.Target}'");
                return ExitCodes.Failed;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
            {
                error.WriteLine($"error: {name}@{version} could not be added: {e.Message}; nothing was written to '{parameters.Target}'");
                return ExitCodes.Failed;
            }
        }
        return ExitCodes.Ok;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"run `rules modules add ([^`\s]+)`")]
    private static partial System.Text.RegularExpressions.Regex NeededPackage();

    private static string? Validate(Parameters parameters)
    {
        var target = Path.GetFullPath(parameters.Target);
        var source = Path.GetFullPath(File.Exists(parameters.Source) ? Path.GetDirectoryName(Path.GetFullPath(parameters.Source))! : parameters.Source);
        if (File.Exists(target))
        {
            return $"'{parameters.Target}' is a file; --to names the rules directory to create";
        }
        if (IsSameOrInside(source, target) || IsSameOrInside(target, source))
        {
            return $"--to '{parameters.Target}' overlaps the export '{parameters.Source}'; import into a directory of its own";
        }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !parameters.Force)
        {
            return $"'{parameters.Target}' is not empty; pass --force to replace it";
        }
        return null;
    }

    private static bool IsSameOrInside(string path, string directory)
    {
        var relative = Path.GetRelativePath(directory, path);
        return relative == "." || !(relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative));
    }

    private static string Describe(RuleSetLayout layout) => layout switch
    {
        RuleSetLayout.DeployCliDirectory => "Deploy CLI directory export",
        RuleSetLayout.DeployCliYaml => "Deploy CLI YAML export",
        RuleSetLayout.Manifest => "rules directory with rules.json",
        _ => "rules directory",
    };

    public static Command Build(TextWriter output, TextWriter error)
    {
        var source = new Argument<string>("EXPORT") { Description = "An Auth0 Deploy CLI export: its directory, or its tenant.yaml" };
        var target = new Option<string>("--to") { Description = "The rules directory to create (rules.json + *.js)", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace --to if it already holds files" };
        var addModules = new Option<bool>("--add-modules") { Description = "Vet the npm packages the rules require into the export first (as rules modules add)" };
        var registry = new Option<string>("--registry")
        {
            Description = "The npm registry --add-modules downloads from",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RULES_NPM_REGISTRY") is { Length: > 0 } configured ? configured : Modules.NpmRegistry.PublicRegistry,
        };
        var command = new Command("import", "Convert an Auth0 Deploy CLI export into a rules directory.\n\n" + Examples) { source, target, force, addModules, registry };
        command.SetAction((result, token) => RunAsync(new Parameters(result.GetValue(source)!, result.GetValue(target)!, result.GetValue(force), result.GetValue(addModules), result.GetValue(registry)!),
            output, error, cancellation: token));
        return command;
    }
}
