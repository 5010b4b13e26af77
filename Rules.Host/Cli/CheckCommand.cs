using Rules.Engine.Compilation;

namespace Rules.Host.Cli;

/// <summary><c>rules check RULES_DIR</c>: compiles every rule and reports errors as file:line:col.</summary>
public static class CheckCommand
{
    public sealed record Parameters(string RulesDirectory);

    public const string Examples = """
        Examples:
          rules check Rules.Samples/rules
          rules check ./my-tenant/rules && echo "ready to deploy"

        Exit codes: 0 every rule compiles, 1 some rule does not, 2 the directory cannot be read.
        """;

    public static int Run(Parameters parameters, TextWriter output, TextWriter error)
    {
        var compilation = RuleSetLoading.LoadAndCompile(parameters.RulesDirectory, error, out var exitCode);
        if (compilation is null)
        {
            return exitCode;
        }

        foreach (var warning in compilation.RuleSet.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        var failed = compilation.Errors.Select(e => e.Rule).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in compilation.RuleSet.Rules.Where(r => !failed.Contains(r.Name)))
        {
            output.WriteLine($"ok    {rule.Name} ({rule.File}){(rule.Enabled ? "" : " [disabled]")}");
        }

        RuleSetLoading.WriteErrors(compilation, error);

        var total = compilation.RuleSet.Rules.Count;
        if (!compilation.Succeeded)
        {
            error.WriteLine($"{compilation.Errors.Count} error(s) in {total} rule(s)");
            return ExitCodes.Failed;
        }

        output.WriteLine($"{total} rule(s) compiled, rule set version {compilation.RuleSet.Version}");
        return ExitCodes.Ok;
    }
}
