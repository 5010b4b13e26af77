using Rules.Engine.Pipeline;

namespace Rules.Host.Cli;

/// <summary>
/// <c>rules serve</c> (the default verb): the auth server. This first cut loads and compiles the rule set
/// and serves health endpoints; the login and impersonation flow is built on it by the host issue.
/// </summary>
public static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    public sealed record Parameters(string Urls, string DataDirectory, string? RulesDirectory);

    public const string Examples = """
        Examples:
          rules                                   serve the sample tenant on http://127.0.0.1:5000
          rules serve --urls http://127.0.0.1:8080 --rules ./rules --data ./data
        """;

    public static async Task<int> RunAsync(Parameters parameters, string[] hostArgs, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var rulesDirectory = parameters.RulesDirectory ?? SamplePaths.FindSampleRules();
        if (rulesDirectory is null)
        {
            error.WriteLine("error: no --rules directory given and Rules.Samples/rules was not found from the current directory");
            return ExitCodes.BadInput;
        }

        var compilation = RuleSetLoading.LoadAndCompile(rulesDirectory, error, out var exitCode);
        if (compilation is null)
        {
            return exitCode;
        }
        if (!compilation.Succeeded)
        {
            RuleSetLoading.WriteErrors(compilation, error);
            return ExitCodes.BadInput;
        }

        Directory.CreateDirectory(parameters.DataDirectory);
        using var pipeline = new RulePipeline(compilation.Compiled!);
        pipeline.Warm();

        var builder = WebApplication.CreateSlimBuilder(hostArgs);
        builder.WebHost.UseUrls(parameters.Urls);
        builder.Services.AddSingleton(pipeline);
        var app = builder.Build();

        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapGet("/readyz", (RulePipeline p) => Results.Ok(new
        {
            status = "ready",
            ruleSetVersion = p.Version,
            rules = p.RuleSet.Enabled.Select(r => r.Name),
        }));

        output.WriteLine($"rules: serving {compilation.RuleSet.Rules.Count} rule(s) from {rulesDirectory} (version {pipeline.Version})");
        output.WriteLine($"rules: data directory {Path.GetFullPath(parameters.DataDirectory)}");
        output.WriteLine($"rules: listening on {parameters.Urls}  (try {parameters.Urls.Split(';')[0].TrimEnd('/')}/readyz)");
        await app.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }
}
